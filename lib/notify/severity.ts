/**
 * How much a notified item matters. Findings carry their own; drift gets one from this mapping (the severities, their
 * order and comparisons are lib/checks/severity.ts's):
 *
 * - missing object                                              → high (something declared is not running)
 * - extra Role, ClusterRole, RoleBinding, ClusterRoleBinding    → high (access nobody declared)
 * - other extra object                                          → medium
 * - modified: a change of a Secret (any field), or of an RBAC
 *   object under /rules, /subjects, /roleRef, /aggregationRule   → high (who may do what, or credentials)
 * - other modified                                              → medium
 *
 * Nothing in drift is critical, low or info: those levels come from findings only.
 */
import type { AttributedChange, AttributedDriftEntry } from '../auditlog/index.ts';
import type { Severity } from '../checks/index.ts';
import { higher } from '../checks/index.ts';
import { isSecret } from '../diff/secret.ts';
import { groupOf } from '../kube/object.ts';
import type { Report, ResolvedItem } from '../report/report.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
/** Fields of RBAC objects that grant access; labels or annotations of the same objects do not. */
const RBAC_GRANT_PATHS = ['/rules', '/subjects', '/roleRef', '/aggregationRule'];

interface TypeOf {
  apiVersion: string;
  kind: string;
}

function isRbac(object: TypeOf): boolean {
  return groupOf(object.apiVersion) === RBAC_GROUP && RBAC_KINDS.has(object.kind);
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Severity of one changed field of a modified object. */
export function changeSeverity(object: TypeOf, path: string): Severity {
  if (isSecret(object)) return 'high';
  if (isRbac(object) && RBAC_GRANT_PATHS.some((prefix) => isUnder(path, prefix))) return 'high';
  return 'medium';
}

/** Severity of a missing or extra object. */
function objectSeverity(object: TypeOf, status: 'missing' | 'extra'): Severity {
  if (status === 'missing') return 'high';
  return isRbac(object) ? 'high' : 'medium';
}

/** Severity of one item of drift: a whole entry, or one of its changes when given. */
export function driftSeverity(entry: AttributedDriftEntry, change?: AttributedChange): Severity {
  if (entry.status !== 'modified') return objectSeverity(entry, entry.status);
  const changes = change ? [change] : (entry.changes ?? []);
  return changes.reduce<Severity>((worst, each) => higher(worst, changeSeverity(entry, each.path)) ?? worst, 'medium');
}

/**
 * Severity of a resolved drift item, from what the history kept of it (kind, status, path). Resolved findings keep
 * no severity, so they have none: callers must not filter them out by severity.
 */
export function resolvedSeverity(item: ResolvedItem): Severity | undefined {
  if (item.type !== 'drift') return undefined;
  // Old reports may lack apiVersion: treat the item as core, which only matters for the Secret/RBAC checks.
  const object = { apiVersion: item.apiVersion ?? 'v1', kind: item.kind };
  if (item.status === 'missing' || item.status === 'extra') return objectSeverity(object, item.status);
  return changeSeverity(object, item.path ?? '');
}

/** The highest severity in the report: every drift entry and every finding not exempted; undefined when clean. */
export function highestSeverity(report: Report): Severity | undefined {
  let highest: Severity | undefined;
  for (const entry of report.drift) highest = higher(highest, driftSeverity(entry));
  for (const finding of report.findings) if (!finding.exempted) highest = higher(highest, finding.severity);
  return highest;
}
