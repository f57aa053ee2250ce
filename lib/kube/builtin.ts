import type { KubeObject } from './object.ts';
import { groupOf } from './object.ts';
import { objectKindKey } from './kinds.ts';

/** The control plane's own namespaces. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** `group/Kind` of objects the cluster creates and updates by itself, without an owner reference. */
const GENERATED_KINDS = new Set([
  '/Event',
  'events.k8s.io/Event',
  '/Endpoints',
  'discovery.k8s.io/EndpointSlice',
  'coordination.k8s.io/Lease',
]);

/** Field managers of the control plane itself: trusted writers by default (lib/diff/trust.ts), and the mark of objects it made. */
export const CONTROL_PLANE_MANAGERS: ReadonlySet<string> = new Set([
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'cloud-controller-manager',
]);

/** Events, Endpoints, EndpointSlices, Leases: made and kept up to date by the cluster. */
export function isClusterGenerated(object: KubeObject): boolean {
  return GENERATED_KINDS.has(objectKindKey(object));
}

/** Cluster-scoped kinds whose objects are requests or machines, made by their nature outside Git: never "hand-made". */
const RUNTIME_CLUSTER_KINDS = new Set([
  '/Node',
  'certificates.k8s.io/CertificateSigningRequest',
  '/PersistentVolume',
  'authentication.k8s.io/TokenReview',
]);

/**
 * Cluster-scoped objects the cluster brings along: bootstrap RBAC (`system:*`, the `kubernetes.io/bootstrapping`
 * label, aggregated ClusterRoles whose rules a controller fills), the control plane's namespaces (`default`,
 * `kube-*`), `system-*` PriorityClasses, and the runtime kinds above.
 */
export function isClusterDefault(object: KubeObject): boolean {
  const { name, labels } = object.metadata;
  const key = objectKindKey(object);
  if (
    RUNTIME_CLUSTER_KINDS.has(key) ||
    name.startsWith('system:') ||
    labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults'
  )
    return true;
  if (key === 'rbac.authorization.k8s.io/ClusterRole' && object['aggregationRule'] !== undefined) return true;
  if (key === '/Namespace') return name === 'default' || name.startsWith('kube-');
  return key === 'scheduling.k8s.io/PriorityClass' && name.startsWith('system-');
}

/** Objects every namespace gets: the CA bundle, the default service account and its legacy token Secret. */
export function isNamespaceDefault(object: KubeObject): boolean {
  if (groupOf(object.apiVersion) !== '') return false;
  const { kind, metadata } = object;
  return (
    (kind === 'ConfigMap' && metadata.name === 'kube-root-ca.crt') ||
    (kind === 'ServiceAccount' && metadata.name === 'default') ||
    (kind === 'Secret' && object['type'] === 'kubernetes.io/service-account-token')
  );
}
