import type { CheckContext, ChecksInput } from './context.ts';
import { checkContext } from './context.ts';
import { cniFindings } from './cni.ts';
import { csrFindings } from './csr.ts';
import { eventFindings } from './events.ts';
import type { CheckFinding } from './finding.ts';
import { sortFindings } from './finding.ts';
import { handMadeFindings } from './hand-made.ts';
import { IMAGE_RULES } from './images.ts';
import { nodeFindings } from './nodes.ts';
import { restartFindings, stuckContainerFindings } from './pod-containers.ts';
import { pendingFindings } from './pod-pending.ts';
import { POD_SECURITY_RULES } from './pod-security.ts';
import { podSpecFindings } from './pod-spec-findings.ts';
import { POD_TEMPLATE_KINDS } from './pod-specs.ts';
import { rbacFindings } from './rbac.ts';
import { applySelfExemptions } from './self-exemption.ts';
import { isEnabled, withConfiguredSeverity } from './selection.ts';
import { taintFindings } from './taints.ts';
import { workloadFindings } from './workloads.ts';

export { CHECK_IDS, CHECKS, SEVERITIES, isCheckId } from './catalog.ts';
export { matchesPattern } from './glob.ts';
export type { CheckId, CheckInfo, Severity } from './catalog.ts';
export type { ChecksInput, DeclaredPodTemplate } from './context.ts';
export { declaredPodTemplates } from './declared.ts';
export { DEFAULT_ALLOWED_SUBJECTS, DEFAULT_CHECKS_CONFIG, EXEMPT_ANNOTATION } from './defaults.ts';
export { applyExemptions, isExpired } from './exemptions.ts';
export type { CheckFinding, Evidence, Finding, FindingExemption, Subject } from './finding.ts';
export type { ChecksConfig, ExemptionConfig } from './options.ts';
export { sortFindings } from './finding.ts';

/** A kind the checks read: list these (besides the declared kinds) before calling runChecks. */
export interface CheckKind {
  group: string;
  kind: string;
}

export const CHECK_KINDS: readonly CheckKind[] = [
  { group: '', kind: 'Pod' },
  { group: '', kind: 'Node' },
  // Core Events only: events.k8s.io serves the same objects.
  { group: '', kind: 'Event' },
  { group: 'certificates.k8s.io', kind: 'CertificateSigningRequest' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  // Workloads; ReplicaSets and Jobs also name the Deployment or CronJob of a pod (one finding per workload, not per replica).
  ...POD_TEMPLATE_KINDS,
];

type CheckRunner = (context: CheckContext) => CheckFinding[];

const RUNNERS: readonly CheckRunner[] = [
  stuckContainerFindings,
  restartFindings,
  pendingFindings,
  workloadFindings,
  eventFindings,
  nodeFindings,
  taintFindings,
  csrFindings,
  rbacFindings,
  (context) => podSpecFindings(context, [...POD_SECURITY_RULES, ...IMAGE_RULES]),
  handMadeFindings,
  cniFindings,
];

/**
 * Runs every enabled check on the live objects (and declared pod templates): pure, the same input gives the
 * same sorted findings. Config exemptions are applied separately with applyExemptions; the self-exemption
 * annotation is honoured here, when the config allows it.
 */
export function runChecks(input: ChecksInput): CheckFinding[] {
  const { config } = input;
  if (!config.enabled) return [];
  const context = checkContext(input);
  const findings = RUNNERS.flatMap((run) => run(context))
    .filter((found) => isEnabled(found.check, config))
    .map((found) => withConfiguredSeverity(found, config));
  return sortFindings(applySelfExemptions(findings, context));
}
