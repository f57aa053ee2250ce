import type { KubeObject } from '../kube/object.ts';
import { groupOf, refKey, refOf } from '../kube/object.ts';
import type { DriftEntry, Remediation } from './drift.ts';
import { shellQuote } from '../io/shell-quote.ts';
import type { RemediationSource } from '../render/index.ts';
import { rollbackRevision } from './rollback.ts';

// The render produces the source of a remediation (lib/render/reproduce.ts); the quoting is shared with it.
export type { RemediationSource } from '../render/index.ts';
export { shellQuote } from '../io/shell-quote.ts';

const APPLY = 'kubectl apply --server-side --force-conflicts';

/**
 * Adds a remediation to each entry: `kubectl rollout undo --to-revision N` for a Deployment whose declared template
 * is an earlier revision, else `kubectl apply --server-side` of the declared object (the file for plain YAML, the
 * render for Kustomize and Helm); `kubectl delete` for an extra object. Pure.
 */
export function withRemediation(
  drift: readonly DriftEntry[],
  declared: readonly { object: KubeObject; file: string }[],
  live: readonly KubeObject[],
  source: RemediationSource,
): DriftEntry[] {
  const declaredByKey = new Map(declared.map((item) => [refKey(refOf(item.object)), item]));
  const liveByKey = new Map(live.map((object) => [refKey(refOf(object)), object]));
  return drift.map((entry) => {
    const key = refKey({
      group: groupOf(entry.apiVersion),
      kind: entry.kind,
      name: entry.name,
      ...(entry.namespace ? { namespace: entry.namespace } : {}),
    });
    return { ...entry, remediation: remediationOf(entry, declaredByKey.get(key), liveByKey.get(key), live, source) };
  });
}

function remediationOf(
  entry: DriftEntry,
  declared: { object: KubeObject; file: string } | undefined,
  liveObject: KubeObject | undefined,
  live: readonly KubeObject[],
  source: RemediationSource,
): Remediation {
  const target = kubectlTarget(entry);
  if (entry.status === 'extra' || declared === undefined) {
    return { command: `kubectl delete ${target}`, keep: { file: source.folder || '.' } };
  }
  const keep =
    entry.status === 'modified'
      ? { file: declared.file, paths: (entry.changes ?? []).map((change) => change.path) }
      : undefined;
  const revision =
    entry.status === 'modified' && liveObject
      ? rollbackRevision(declared.object, liveObject, entry.changes ?? [], live)
      : undefined;
  if (revision !== undefined)
    return { command: `kubectl rollout undo ${target} --to-revision ${revision}`, ...(keep ? { keep } : {}) };
  return { command: applyCommand(entry, declared.file, source), ...(keep ? { keep } : {}) };
}

function applyCommand(entry: DriftEntry, file: string, source: RemediationSource): string {
  const { render } = source;
  if (render === undefined) return `${APPLY} -f ${shellQuote(file)}`;
  // driftwatch render prints Secret values as digests: a Secret is applied from the tool's own output.
  if (entry.kind === 'Secret' && entry.apiVersion === 'v1') return `${render.toolCommand} | ${APPLY} -f -`;
  const object = `${entry.kind}/${entry.namespace ? `${entry.namespace}/` : ''}${entry.name}`;
  const flags = [
    `--source ${shellQuote(render.location)}`,
    `--path ${shellQuote(source.folder || '.')}`,
    ...render.flags,
    `--object ${shellQuote(object)}`,
  ];
  return `driftwatch render ${flags.join(' ')} --format yaml | ${APPLY} -f -`;
}

/** `deployment.apps/web -n shop`: kubectl's resource.group/name, so that kinds of every group resolve. */
function kubectlTarget(entry: DriftEntry): string {
  const group = groupOf(entry.apiVersion);
  const resource = `${entry.kind.toLowerCase()}${group ? `.${group}` : ''}/${entry.name}`;
  return `${shellQuote(resource)}${entry.namespace ? ` -n ${shellQuote(entry.namespace)}` : ''}`;
}
