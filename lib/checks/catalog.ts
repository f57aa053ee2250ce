/** Finding severities, most urgent first (the order findings are sorted in). */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface CheckInfo {
  severity: Severity;
  title: string;
}

/**
 * Every check id with its default severity. The ids are a contract (config `disable`/`severity`, exemptions,
 * report consumers): never rename one, add a new id instead. Keep lib/checks/README.md in step.
 */
export const CHECKS = {
  'pod-image-pull': { severity: 'high', title: 'Container cannot pull its image (ImagePullBackOff/ErrImagePull)' },
  'pod-crash-loop': { severity: 'high', title: 'Container in CrashLoopBackOff' },
  'pod-config-error': { severity: 'high', title: 'Container cannot start: CreateContainerConfigError' },
  'pod-restarts': { severity: 'medium', title: 'Container restarted more often than the threshold' },
  'pod-pending': { severity: 'high', title: 'Pod Pending longer than the threshold' },
  'workload-unavailable': { severity: 'high', title: 'Deployment/StatefulSet/DaemonSet below its desired replicas' },
  'event-admission-denied': { severity: 'high', title: 'Admission webhook denied a create' },
  'event-failed-scheduling': { severity: 'medium', title: 'FailedScheduling warning events' },
  'event-backoff': { severity: 'medium', title: 'BackOff warning events' },
  'event-failed-mount': { severity: 'medium', title: 'FailedMount warning events' },
  'event-failed-create': { severity: 'medium', title: 'FailedCreate warning events' },
  'node-not-ready': { severity: 'critical', title: 'Node Ready condition False or Unknown' },
  'node-pressure': { severity: 'high', title: 'Node under memory/disk/PID pressure or network unavailable' },
  'node-cordoned': { severity: 'low', title: 'Node cordoned (spec.unschedulable)' },
  'node-taint-untolerated': { severity: 'medium', title: 'Node taint that no workload tolerates' },
  'csr-pending': { severity: 'medium', title: 'CertificateSigningRequest pending longer than the threshold' },
  'csr-denied': { severity: 'low', title: 'CertificateSigningRequest denied' },
  'csr-failed': { severity: 'medium', title: 'CertificateSigningRequest failed' },
  'rbac-cluster-admin': { severity: 'critical', title: 'cluster-admin bound to a subject outside the allow-list' },
  'rbac-wildcard': { severity: 'high', title: 'Role with * verbs or resources bound to a subject outside the allow-list' },
  'pod-privileged': { severity: 'critical', title: 'Privileged container' },
  'pod-host-namespaces': { severity: 'high', title: 'Pod shares the host PID, network or IPC namespace' },
  'pod-privilege-escalation': { severity: 'medium', title: 'Container sets allowPrivilegeEscalation: true' },
  'pod-dangerous-capabilities': { severity: 'high', title: 'Container adds a dangerous Linux capability' },
  'pod-host-path': { severity: 'high', title: 'Pod mounts a hostPath volume' },
  'images-latest': { severity: 'medium', title: 'Image tagged :latest or untagged' },
  'images-without-digest': { severity: 'low', title: 'Image not pinned by digest (opt-in)' },
  'hand-made-object': { severity: 'medium', title: 'Object created by hand: no applier, no owner' },
  'cni-multiple': { severity: 'high', title: 'More than one CNI plugin active' },
  'exemption-expired': { severity: 'low', title: 'Exemption past its expiry date' },
} as const satisfies Record<string, CheckInfo>;

export type CheckId = keyof typeof CHECKS;

export const CHECK_IDS: readonly CheckId[] = Object.keys(CHECKS).filter(isCheckId);

export function isCheckId(value: string): value is CheckId {
  return Object.hasOwn(CHECKS, value);
}

/** Checks that stay off unless their own config switch turns them on. */
export const OPT_IN_CHECKS: readonly CheckId[] = ['images-without-digest'];
