import type { FieldPlace } from './path.ts';

/**
 * Fields the API server sets or the appliers use for bookkeeping: never compared, on either side. They follow
 * `metav1.ObjectMeta` (k8s.io/apimachinery pkg/apis/meta/v1/types.go: the fields documented "Populated by the
 * system. Read-only."), plus `name`/`namespace`, which pair the objects before the walk.
 */
const SERVER_SET_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'name',
  'namespace',
  'generateName',
]);
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** kubectl's record of the last client-side apply, and the Deployment controller's revision counter. */
export const SERVER_SET_ANNOTATIONS: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  'deployment.kubernetes.io/revision',
]);

/** Applier bookkeeping (Argo CD tracking, Helm and Flux ownership marks, kapp): not drift when only live. */
const BOOKKEEPING_MARKS = [
  /^argocd\.argoproj\.io\//,
  /^app\.kubernetes\.io\/instance$/,
  /^app\.kubernetes\.io\/managed-by$/,
  /^meta\.helm\.sh\//,
  /^helm\.sh\/chart$/,
  /^helm\.toolkit\.fluxcd\.io\//,
  /^kustomize\.toolkit\.fluxcd\.io\//,
  /^kapp\.k14s\.io\//,
];

/**
 * Values the server allocates when a Service is created (pkg/registry/core/service/storage/alloc.go: cluster IPs,
 * node ports, IP families; core/v1 defaults.go SetDefaults_Service: healthCheckNodePort's family).
 */
const SERVICE_ALLOCATED = new Set([
  'spec.clusterIP',
  'spec.clusterIPs',
  'spec.ipFamilies',
  'spec.ipFamilyPolicy',
  'spec.healthCheckNodePort',
  'spec.ports.nodePort',
]);

/** True for a path that is never compared: status and server-set metadata. */
export function isServerSet({ path, names }: FieldPlace): boolean {
  if (path.length === 1) return names[0] === 'status';
  if (path.length === 2)
    return names[0] === 'metadata' && names.length === 2 && SERVER_SET_METADATA.has(names[1] ?? '');
  if (path.length === 3 && names.length === 3 && names[0] === 'metadata' && names[1] === 'annotations') {
    return SERVER_SET_ANNOTATIONS.has(names[2] ?? '');
  }
  return false;
}

/**
 * True for a live-only path that is not a hand-made change whoever wrote it: allocations (in a Service, `group` ''
 * and `kind` Service), owner references and applier bookkeeping.
 */
export function isLiveOnlyExempt(group: string, kind: string, { names }: FieldPlace): boolean {
  if (group === '' && kind === 'Service' && SERVICE_ALLOCATED.has(names.join('.'))) return true;
  if (names[0] === 'metadata' && names[1] === 'ownerReferences') return true;
  const metaIndex = names.lastIndexOf('metadata');
  const markKind = names[metaIndex + 1];
  const mark = names[metaIndex + 2];
  if (
    metaIndex >= 0 &&
    (markKind === 'labels' || markKind === 'annotations') &&
    mark !== undefined &&
    names.length === metaIndex + 3
  ) {
    return BOOKKEEPING_MARKS.some((pattern) => pattern.test(mark));
  }
  return false;
}
