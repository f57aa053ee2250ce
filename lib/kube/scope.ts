import { kindKey } from './kinds.ts';

/**
 * Built-in cluster-scoped kinds, keyed `group/Kind`. Used to decide whether a declared object without a namespace
 * lives in `default` or at cluster scope when no API discovery is at hand (snapshot audits, validate).
 */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'policy/PodSecurityPolicy',
  'resource.k8s.io/DeviceClass',
]);

/** Knows which kinds are cluster-scoped: built-ins plus what CRDs and API discovery add. */
export class ScopeTable {
  private readonly clusterScoped = new Set(CLUSTER_SCOPED);
  private readonly namespaced = new Set<string>();

  isClusterScoped(group: string, kind: string): boolean {
    const key = kindKey({ group, kind });
    return this.clusterScoped.has(key) && !this.namespaced.has(key);
  }

  set(group: string, kind: string, clusterScoped: boolean): void {
    const key = kindKey({ group, kind });
    if (clusterScoped) {
      this.clusterScoped.add(key);
      this.namespaced.delete(key);
    } else {
      this.namespaced.add(key);
      this.clusterScoped.delete(key);
    }
  }
}
