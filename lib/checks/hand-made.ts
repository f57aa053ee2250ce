import type { KubeObject } from '../kube/object.ts';
import { LAST_APPLIED_ANNOTATION } from '../diff/server-set.ts';
import { SYSTEM_NAMESPACES, isClusterDefault, isClusterGenerated, isNamespaceDefault } from '../kube/builtin.ts';
import { groupOf } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';

/**
 * hand-made-object: live objects (namespaced in the audited namespaces, and cluster-scoped) with no sign of a declared origin — no last-applied annotation,
 * no owner, no Apply or trusted manager among the writers of the object itself. Status and scale writes
 * (subresources) are left out: a controller updating the status of a hand-made object does not make it declared.
 * Objects without managedFields are skipped (snapshots often strip them): there is no evidence either way.
 */
export const handMadeObject: CheckDefinition<'hand-made-object'> = {
  id: 'hand-made-object',
  severity: 'medium',
  title: 'Object created by hand: no applier, no owner',
  firesOn:
    'live object in an audited namespace with no last-applied annotation, no owner, and only untrusted non-Apply managers',
  // It judges every object the audit lists (the declared kinds and what the other checks read): no kind of its own.
  reads: [],
  run: (context) => handMadeFindings(context),
};

function handMadeFindings(context: CheckContext): CheckFinding[] {
  return context.objects
    .filter((object) => isAudited(object, context.auditedNamespaces))
    .filter(
      (object) =>
        !isClusterGenerated(object) &&
        !isNamespaceDefault(object) &&
        !(object.metadata.namespace === undefined && isClusterDefault(object)),
    )
    .flatMap((object) => {
      const writers = handWriters(object, context);
      return writers === undefined ? [] : [handMadeFinding(object, writers)];
    });
}

/** Namespaced objects of the audited namespaces, and every cluster-scoped one (a ClusterRoleBinding by hand is one). */
function isAudited(object: KubeObject, audited: readonly string[] | undefined): boolean {
  const namespace = object.metadata.namespace;
  if (!namespace) return true;
  return audited === undefined ? !SYSTEM_NAMESPACES.includes(namespace) : audited.includes(namespace);
}

/** The managers that wrote it (`kubectl-create (Update)`), when nothing shows a declared origin; else undefined. */
function handWriters(object: KubeObject, context: CheckContext): string[] | undefined {
  const { annotations, ownerReferences, managedFields } = object.metadata;
  if (annotations?.[LAST_APPLIED_ANNOTATION] !== undefined || (ownerReferences?.length ?? 0) > 0) return undefined;
  const writes = (managedFields ?? []).filter((entry) => !entry.subresource);
  if (writes.length === 0) return undefined;
  const declared = writes.some(
    (entry) =>
      entry.operation === 'Apply' || context.trust({ manager: entry.manager ?? '', operation: entry.operation ?? '' }),
  );
  return declared
    ? undefined
    : [...new Set(writes.map((entry) => `${entry.manager ?? '?'} (${entry.operation ?? '?'})`))];
}

function handMadeFinding(object: KubeObject, writers: readonly string[]): CheckFinding {
  const subject = subjectOf(object);
  const { namespace } = object.metadata;
  const target = `${object.kind.toLowerCase()} ${object.metadata.name}${namespace ? ` -n ${namespace}` : ''}`;
  // Never suggest printing a Secret: its values would land in a terminal or a ticket.
  const show =
    object.kind === 'Secret' && groupOf(object.apiVersion) === ''
      ? `kubectl describe ${target}`
      : `kubectl get ${target} -o yaml`;
  return finding(handMadeObject, subject, {
    message: `${describe(subject)} looks hand-made: no last-applied configuration, no owner, written only by ${writers.join(', ')}`,
    remediation: `Declare it in Git (${show}) or delete it (kubectl delete ${target})`,
    evidence: { managers: [...writers] },
  });
}
