import { describeRef } from '../kube/object.ts';
import type { Report } from '../report/report.ts';
import type { NotificationDecision } from './decide.ts';
import type { Severity } from '../checks/index.ts';
import { SEVERITIES, severityCounts } from '../checks/index.ts';
import { clampPlain } from './text.ts';

/** The numbers every message shows, taken from the report as a whole (not only what the channel is told). */
export interface NotificationCounts {
  new: number;
  persisting: number;
  resolved: number;
  modified: number;
  missing: number;
  extra: number;
  changes: number;
  /** Findings not exempted, by severity. */
  findings: Record<Severity, number>;
}

export function countsOf(report: Report): NotificationCounts {
  const findings = severityCounts();
  for (const finding of report.findings) if (!finding.exempted) findings[finding.severity]++;
  const { modified, missing, extra, changes } = report.summary;
  return { ...historyCounts(report), modified, missing, extra, changes, findings };
}

/** Without a history step nothing was seen before: every drifted field and finding is new. */
function historyCounts(report: Report): Pick<NotificationCounts, 'new' | 'persisting' | 'resolved'> {
  if (report.history) return report.history.counts;
  const items =
    report.drift.reduce((total, entry) => total + Math.max(entry.changes?.length ?? 0, 1), 0) + report.findings.length;
  return { new: items, persisting: 0, resolved: 0 };
}

/** `2 high, 1 medium`, highest first; `none` when there are none. */
export function findingsText(findings: Record<Severity, number>): string {
  const parts = SEVERITIES.filter((severity) => findings[severity] > 0).map(
    (severity) => `${findings[severity]} ${severity}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** `3 new drift, 1 new finding, 2 resolved, scan incomplete`: what this message is about, in a few words. */
export function headline(decision: NotificationDecision): string {
  const parts: string[] = [];
  if (decision.newDrift.length > 0) parts.push(`${decision.newDrift.length} new drift`);
  if (decision.newFindings.length > 0) parts.push(plural(decision.newFindings.length, 'new finding'));
  if (decision.resolved.length > 0) parts.push(`${decision.resolved.length} resolved`);
  if (decision.incomplete) parts.push('scan incomplete');
  return parts.length > 0 ? parts.join(', ') : 'no change';
}

/**
 * `driftwatch prod-eu: 3 new drift` in at most `max` characters: a long cluster name is shortened first, so that
 * what happened stays readable; only if that is not enough is the end cut.
 */
export function title(cluster: string, summary: string, max: number, ellipsis = '…'): string {
  const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
  const name = oneLine(cluster);
  const tail = `: ${oneLine(summary)}`;
  const room = max - 'driftwatch '.length - tail.length;
  const shortName = room > ellipsis.length ? clampPlain(name, room, ellipsis) : name;
  return clampPlain(`driftwatch ${shortName}${tail}`, max, ellipsis);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `Deployment shop/web`, or `ClusterRole admin` for cluster-scoped objects. */
export function objectLabel(item: { kind: string; namespace?: string; name: string }): string {
  return describeRef({ group: '', kind: item.kind, namespace: item.namespace, name: item.name });
}

/** `and 37 more` when a list was cut to fit a message; empty when nothing was left out. */
export function moreText(total: number, shown: number): string {
  return total > shown ? `…and ${total - shown} more` : '';
}
