import type { HistoryMark } from '../diff/object.ts';
import type { Severity } from './severity.ts';
import { bySeverity } from './severity.ts';

/** A hygiene finding, as the checks produce it (`actor` is added by lib/auditlog, history by lib/report). */
export interface Finding {
  check: string;
  severity: Severity;
  kind: string;
  namespace?: string;
  name: string;
  /** One sentence that names its subject (`Pod shop/web has been Pending for 12 min`): shown as is, never after the subject. */
  message: string;
  remediation?: string;
  exempted?: boolean;
  history?: HistoryMark;
  firstSeen?: string;
}

/** Why a finding is accepted: a config exemption (with owner and expiry) or the object's own annotation. */
export interface FindingExemption {
  source: 'config' | 'annotation';
  reason: string;
  owner?: string;
  /** `YYYY-MM-DD`, config exemptions only. */
  expires?: string;
}

/** Facts behind a finding, for machines: counts, names, reasons. Never Secret data. */
export type Evidence = Record<string, string | number | boolean | string[]>;

/** The report's Finding plus the optional details checks add (the report schema allows extra fields). */
export interface CheckFinding extends Finding {
  exemption?: FindingExemption;
  evidence?: Evidence;
}

/** The object a finding is about. */
export interface Subject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface FindingParts {
  message: string;
  remediation: string;
  evidence?: Evidence;
}

/** The check a finding is of: its id and default severity (a CheckDefinition). */
export interface FindingCheck {
  id: string;
  severity: Severity;
}

/** A finding of `check` at its default severity (overrides are applied once, in runChecks). */
export function finding(check: FindingCheck, subject: Subject, parts: FindingParts): CheckFinding {
  return {
    check: check.id,
    severity: check.severity,
    kind: subject.kind,
    ...(subject.namespace !== undefined && subject.namespace !== '' && { namespace: subject.namespace }),
    name: subject.name,
    message: parts.message,
    remediation: parts.remediation,
    ...(parts.evidence !== undefined && { evidence: parts.evidence }),
  };
}

/** `Deployment shop/web`, `Node node-1`. */
export function describe(subject: Subject): string {
  return subject.namespace ? `${subject.kind} ${subject.namespace}/${subject.name}` : `${subject.kind} ${subject.name}`;
}

/** `-n shop` or nothing for cluster-scoped objects. */
export function namespaceFlag(namespace: string | undefined): string {
  return namespace ? ` -n ${namespace}` : '';
}

/** Deterministic order: severity (most urgent first), check, namespace, name, then message for ties. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      bySeverity(a.severity, b.severity) ||
      compareText(a.check, b.check) ||
      compareText(a.namespace ?? '', b.namespace ?? '') ||
      compareText(a.name, b.name) ||
      compareText(a.message, b.message),
  );
}

/** Code-point order, independent of the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
