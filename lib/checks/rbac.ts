import type { KubeObject } from '../kube/object.ts';
import type { GroupKind } from '../kube/kinds.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { at, records, text, texts } from './field-readers.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';
import { isAllowedSubject, subjectKey } from './subjects.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

const BINDINGS: readonly GroupKind[] = [
  { group: RBAC_GROUP, kind: 'ClusterRoleBinding' },
  { group: RBAC_GROUP, kind: 'RoleBinding' },
];

export const rbacClusterAdmin: CheckDefinition<'rbac-cluster-admin'> = {
  id: 'rbac-cluster-admin',
  severity: 'critical',
  title: 'cluster-admin bound to a subject outside the allow-list',
  firesOn: '(Cluster)RoleBinding to `cluster-admin`, per subject outside the allow-list',
  reads: BINDINGS,
  run: (context) => rbacFindings(context, rbacClusterAdmin),
};

export const rbacWildcard: CheckDefinition<'rbac-wildcard'> = {
  id: 'rbac-wildcard',
  severity: 'high',
  title: 'Role with * verbs or resources bound to a subject outside the allow-list',
  firesOn: 'binding to a (Cluster)Role with `*` in verbs or resources, per subject outside the allow-list',
  reads: [...BINDINGS, { group: RBAC_GROUP, kind: 'ClusterRole' }, { group: RBAC_GROUP, kind: 'Role' }],
  run: (context) => rbacFindings(context, rbacWildcard),
};

type RbacCheck = typeof rbacClusterAdmin | typeof rbacWildcard;

interface BroadGrant {
  check: RbacCheck;
  /** `cluster-admin`, `ClusterRole ops-all (verbs *)`. */
  role: string;
}

/** rbac-cluster-admin, rbac-wildcard: one finding per binding and subject outside the allow-list. */
function rbacFindings(context: CheckContext, check: RbacCheck): CheckFinding[] {
  const bindings = BINDINGS.flatMap(({ group, kind }) => context.ofKind(group, kind));
  return bindings.flatMap((binding) => {
    const grant = broadGrantOf(binding, context);
    if (grant?.check !== check) return [];
    return outsiders(binding, context.config.rbac.allowSubjects).map((subject) =>
      grantFinding(binding, grant, subject),
    );
  });
}

function broadGrantOf(binding: KubeObject, context: CheckContext): BroadGrant | undefined {
  const kind = text(at(binding, 'roleRef', 'kind'));
  const name = text(at(binding, 'roleRef', 'name'));
  if (name === undefined) return undefined;
  if (kind === 'ClusterRole' && name === 'cluster-admin') return { check: rbacClusterAdmin, role: 'cluster-admin' };
  const role = boundRole(kind, name, binding.metadata.namespace, context);
  const wildcards = role === undefined ? [] : wildcardFields(role);
  if (role === undefined || wildcards.length === 0) return undefined;
  return { check: rbacWildcard, role: `${describe(subjectOf(role))} (${wildcards.join(', ')})` };
}

/** The role a binding refers to, when it was listed: a ClusterRole by name, a Role in the binding's namespace. */
function boundRole(
  kind: string | undefined,
  name: string,
  namespace: string | undefined,
  context: CheckContext,
): KubeObject | undefined {
  if (kind === 'ClusterRole')
    return context.ofKind(RBAC_GROUP, 'ClusterRole').find((role) => role.metadata.name === name);
  if (kind !== 'Role') return undefined;
  return context
    .ofKind(RBAC_GROUP, 'Role')
    .find((role) => role.metadata.name === name && role.metadata.namespace === namespace);
}

/** `verbs *`, `resources *` when some rule grants everything on that axis. */
function wildcardFields(role: KubeObject): string[] {
  const rules = records(role['rules']);
  return (['verbs', 'resources'] as const)
    .filter((field) => rules.some((rule) => texts(rule[field]).includes('*')))
    .map((field) => `${field} *`);
}

function outsiders(binding: KubeObject, allowSubjects: readonly string[]): string[] {
  const keys = records(binding['subjects']).flatMap((subject) => {
    const key = subjectKey(subject, binding.metadata.namespace);
    return key === undefined || isAllowedSubject(key, allowSubjects) ? [] : [key];
  });
  return [...new Set(keys)];
}

function grantFinding(binding: KubeObject, grant: BroadGrant, subject: string): CheckFinding {
  const resource = binding.kind.toLowerCase();
  const namespace = binding.metadata.namespace ? ` -n ${binding.metadata.namespace}` : '';
  return finding(grant.check, subjectOf(binding), {
    message: `${describe(subjectOf(binding))} grants ${grant.role} to ${subject}`,
    remediation:
      `Remove ${subject} from the binding or bind a narrower role (kubectl edit ${resource} ${binding.metadata.name}${namespace}); ` +
      'if the grant is intended, add the subject to checks.rbac.allowSubjects',
    evidence: { subject, role: grant.role },
  });
}
