import { cniMultiple } from './cni.ts';
import type { GroupKind } from '../kube/kinds.ts';
import { csrDenied, csrFailed, csrPending } from './csr.ts';
import type { CheckDefinition, CheckInfo } from './definition.ts';
import {
  eventAdmissionDenied,
  eventBackoff,
  eventFailedCreate,
  eventFailedMount,
  eventFailedScheduling,
} from './events.ts';
import { exemptionExpired } from './exemptions.ts';
import { handMadeObject } from './hand-made.ts';
import { imagesLatest, imagesWithoutDigest } from './images.ts';
import { nodeCordoned, nodeNotReady, nodePressure } from './nodes.ts';
import { podConfigError, podCrashLoop, podImagePull, podRestarts } from './pod-containers.ts';
import { podPending } from './pod-pending.ts';
import {
  podDangerousCapabilities,
  podHostNamespaces,
  podHostPath,
  podPrivileged,
  podPrivilegeEscalation,
} from './pod-security.ts';
import { rbacClusterAdmin, rbacWildcard } from './rbac.ts';
import { nodeTaintUntolerated } from './taints.ts';
import { workloadUnavailable } from './workloads.ts';
import { kindKey } from '../kube/kinds.ts';

/**
 * The checks runChecks runs, each defined in its own file. This order is the catalogue's (config schema, README
 * table); findings are sorted on their own. Add a check here and to lib/checks/README.md's table (a test compares).
 */
export const CHECK_DEFINITIONS = [
  podImagePull,
  podCrashLoop,
  podConfigError,
  podRestarts,
  podPending,
  workloadUnavailable,
  eventAdmissionDenied,
  eventFailedScheduling,
  eventBackoff,
  eventFailedMount,
  eventFailedCreate,
  nodeNotReady,
  nodePressure,
  nodeCordoned,
  nodeTaintUntolerated,
  csrPending,
  csrDenied,
  csrFailed,
  rbacClusterAdmin,
  rbacWildcard,
  podPrivileged,
  podHostNamespaces,
  podPrivilegeEscalation,
  podDangerousCapabilities,
  podHostPath,
  imagesLatest,
  imagesWithoutDigest,
  handMadeObject,
  cniMultiple,
] as const satisfies readonly CheckDefinition[];

/** Every check: the ones runChecks runs, then exemption-expired (found by applyExemptions). */
export const CATALOG = [...CHECK_DEFINITIONS, exemptionExpired] as const satisfies readonly CheckInfo[];

/**
 * Every check id. The ids are a contract (config `disable`/`severity`, exemptions, report consumers): never rename
 * one, add a new id instead.
 */
export type CheckId = (typeof CATALOG)[number]['id'];

export const CHECK_IDS: readonly CheckId[] = CATALOG.map((check) => check.id);

export function isCheckId(value: string): value is CheckId {
  return CHECK_IDS.some((id) => id === value);
}

/** The kinds the checks read, each once: list these (besides the declared kinds) before calling runChecks. */
export const CHECK_KINDS: readonly GroupKind[] = uniqueKinds(CHECK_DEFINITIONS.flatMap((check) => check.reads));

function uniqueKinds(kinds: readonly GroupKind[]): GroupKind[] {
  const byKey = new Map<string, GroupKind>();
  for (const { group, kind } of kinds) {
    const key = kindKey({ group, kind });
    if (!byKey.has(key)) byKey.set(key, { group, kind });
  }
  return [...byKey.values()];
}
