/**
 * Finding severities, most urgent first: the one list (the order findings are sorted in, `minSeverity` and
 * `--fail-on` compare with, reports count by and print). The schemas' enums are this list, checked by
 * test/unit/checks/severity.test.ts.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: string): value is Severity {
  return SEVERITIES.some((severity) => severity === value);
}

/** Its place in SEVERITIES: 0 for critical, the most urgent. */
function urgency(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is `minimum` or more urgent ("at or above"). */
export function isAtLeast(severity: Severity, minimum: Severity): boolean {
  return urgency(severity) <= urgency(minimum);
}

/** The severities at or above `minimum`, most urgent first. */
export function atOrAbove(minimum: Severity): readonly Severity[] {
  return SEVERITIES.slice(0, urgency(minimum) + 1);
}

/** For sorting, most urgent first. */
export function bySeverity(a: Severity, b: Severity): number {
  return urgency(a) - urgency(b);
}

/** The more urgent of two severities; `undefined` counts as below any. */
export function higher(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return isAtLeast(a, b) ? a : b;
}

/** A count per severity, all zero: the shape of a report's `summary.findings`. */
export function severityCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}
