import type { KubeObject } from '../kube/object.ts';
import { isPlainObject } from '../kube/object.ts';
import { diffObject } from './object.ts';
import type { Change } from './object.ts';
import { trustPolicy } from './trust.ts';

/** The Deployment controller's revision annotation on ReplicaSets (k8s pkg/controller/deployment/util RevisionAnnotation). */
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Added by the Deployment controller to each ReplicaSet's template (apps/v1 DefaultDeploymentUniqueLabelKey). */
const TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * The newest earlier revision of a drifted Deployment whose pod template is what Git declares, so that
 * `kubectl rollout undo --to-revision N` restores it. Only when every change is inside the pod template (a scale or
 * a strategy change is not undone by a rollback). The ReplicaSet's template is compared with the declared one
 * trusting no manager: any field set by hand on the Deployment was copied into that revision and disqualifies it;
 * server defaults still compare equal.
 */
export function rollbackRevision(
  declared: KubeObject,
  live: KubeObject,
  changes: readonly Change[],
  liveObjects: readonly KubeObject[],
): number | undefined {
  if (declared.kind !== 'Deployment' || changes.length === 0) return undefined;
  if (!changes.every((change) => change.path.startsWith('/spec/template/'))) return undefined;
  const uid = live.metadata['uid'];
  const template = isPlainObject(declared['spec']) ? declared['spec']['template'] : undefined;
  if (typeof uid !== 'string' || !isPlainObject(template)) return undefined;
  const strict = trustPolicy([]);
  let best: number | undefined;
  for (const replicaSet of liveObjects) {
    if (
      replicaSet.kind !== 'ReplicaSet' ||
      replicaSet.metadata.namespace !== live.metadata.namespace ||
      !ownedBy(replicaSet, uid)
    )
      continue;
    const revision = Number(replicaSet.metadata.annotations?.[REVISION_ANNOTATION]);
    if (!Number.isInteger(revision) || (best !== undefined && revision <= best)) continue;
    const candidate = withoutTemplateHash(replicaSet);
    const wanted: KubeObject = {
      apiVersion: replicaSet.apiVersion,
      kind: 'ReplicaSet',
      metadata: { name: replicaSet.metadata.name },
      spec: { template },
    };
    // Only the template is compared: the ReplicaSet's own metadata, selector and replicas are the controller's.
    const spec = isPlainObject(candidate['spec']) ? { template: candidate['spec']['template'] } : {};
    const metadata = {
      name: candidate.metadata.name,
      ...(candidate.metadata.managedFields ? { managedFields: candidate.metadata.managedFields } : {}),
    };
    const diff = diffObject(
      wanted,
      { apiVersion: candidate.apiVersion, kind: candidate.kind, metadata, spec },
      { trust: strict, ignoreRules: [] },
    );
    if (diff.changes.length === 0) best = revision;
  }
  return best;
}

function ownedBy(object: KubeObject, uid: string): boolean {
  const owners = object.metadata.ownerReferences;
  return (
    Array.isArray(owners) &&
    owners.some((owner) => isPlainObject(owner) && owner['uid'] === uid && owner['controller'] === true)
  );
}

function withoutTemplateHash(replicaSet: KubeObject): KubeObject {
  const spec = replicaSet['spec'];
  if (!isPlainObject(spec) || !isPlainObject(spec['template'])) return replicaSet;
  const template = spec['template'];
  const metadata = isPlainObject(template['metadata']) ? template['metadata'] : {};
  const labels = isPlainObject(metadata['labels'])
    ? Object.fromEntries(Object.entries(metadata['labels']).filter(([name]) => name !== TEMPLATE_HASH_LABEL))
    : undefined;
  return {
    ...replicaSet,
    spec: { ...spec, template: { ...template, metadata: { ...metadata, ...(labels ? { labels } : {}) } } },
  };
}
