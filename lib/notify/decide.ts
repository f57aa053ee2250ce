import type { ListOutcome } from '../cluster/types.ts';
import type { AttributedChange, AttributedDriftEntry } from '../auditlog/index.ts';
import type { Finding, Report, ResolvedItem } from '../report/report.ts';
import type { SourceProblem } from '../source/types.ts';
import type { Severity } from '../checks/index.ts';
import { bySeverity, isAtLeast } from '../checks/index.ts';
import { driftSeverity, resolvedSeverity } from './severity.ts';

/** What a channel (Slack, SNS) wants to hear about; the `notifications.<channel>` config. */
export interface ChannelPolicy {
  /** Lowest severity of new items worth a message. Default `info`: every new item. */
  minSeverity?: Severity;
  /** Tell when drift or findings went away. Default true. */
  includeResolved?: boolean;
}

/** Default `info`: nothing new is dropped unless the channel asks for it; drift itself is only medium or high. */
export const DEFAULT_MIN_SEVERITY: Severity = 'info';

/** One new drifted field of a modified object, or one new missing/extra object (then without `change`). */
export interface NewDrift {
  entry: AttributedDriftEntry;
  change?: AttributedChange;
  severity: Severity;
}

/** Why the report cannot be trusted to show everything. */
export interface ScanProblems {
  error?: string;
  /** Lists that were forbidden or failed. */
  failedLists: ListOutcome[];
  /** Declared objects whose type could not be listed. */
  unverified: number;
  /** Manifest files that could not be read. */
  failedFiles: SourceProblem[];
}

export interface NotificationDecision {
  /** New drift at or above the channel's minimum, newest first (by when the live value was written). */
  newDrift: NewDrift[];
  /** New findings at or above the minimum (exempted ones never), highest severity first. */
  newFindings: Finding[];
  /** Drift and findings gone since the previous run; empty when the channel does not include resolved items. */
  resolved: ResolvedItem[];
  /** Set when the scan was incomplete or source files failed: the report may be missing drift. */
  incomplete?: ScanProblems;
}

/**
 * Whether this run is worth a message on a channel, and what to say. Only change is: new drift or findings, resolved
 * ones, or a scan that could not see everything. A run where everything persists from the last one gives undefined,
 * so an hourly schedule does not repeat the same drift every hour. An incomplete scan is told when its problems
 * change (a type becomes forbidden, a file starts failing), not again every hour while they stay the same; the report
 * still says it is incomplete. Items without a history mark (no history step ran) count as new.
 */
export function notificationFor(report: Report, channel: ChannelPolicy = {}): NotificationDecision | undefined {
  const minimum = channel.minSeverity ?? DEFAULT_MIN_SEVERITY;
  const decision: NotificationDecision = {
    newDrift: newDrift(report, minimum),
    newFindings: newFindings(report, minimum),
    resolved: channel.includeResolved === false ? [] : resolvedItems(report, minimum),
  };
  const incomplete = scanProblems(report);
  if (incomplete && report.history?.scanProblemsChanged !== false) decision.incomplete = incomplete;
  return isWorthTelling(decision) ? decision : undefined;
}

function isWorthTelling(decision: NotificationDecision): boolean {
  return (
    decision.newDrift.length > 0 ||
    decision.newFindings.length > 0 ||
    decision.resolved.length > 0 ||
    decision.incomplete !== undefined
  );
}

function isNew(item: { history?: string }): boolean {
  return item.history !== 'persisting';
}

/** Modified entries are told field by field: one new change in an object that drifted before is still news. */
function newDrift(report: Report, minimum: Severity): NewDrift[] {
  const items = report.drift.flatMap((entry): NewDrift[] => {
    if (entry.changes && entry.changes.length > 0) {
      return entry.changes.filter(isNew).map((change) => ({ entry, change, severity: driftSeverity(entry, change) }));
    }
    return isNew(entry) ? [{ entry, severity: driftSeverity(entry) }] : [];
  });
  return items.filter((item) => isAtLeast(item.severity, minimum)).sort(newestFirst);
}

function writtenAt(item: NewDrift): string {
  return item.change?.time ?? item.entry.time ?? '';
}

/** ISO timestamps sort as text; items without a time go last. */
function newestFirst(a: NewDrift, b: NewDrift): number {
  return writtenAt(b).localeCompare(writtenAt(a));
}

function newFindings(report: Report, minimum: Severity): Finding[] {
  return report.findings
    .filter((finding) => !finding.exempted && isNew(finding) && isAtLeast(finding.severity, minimum))
    .sort((a, b) => bySeverity(a.severity, b.severity));
}

/** Resolved drift below the minimum was never told when it appeared, so its end is not told either. */
function resolvedItems(report: Report, minimum: Severity): ResolvedItem[] {
  return (report.history?.resolved ?? []).filter((item) => {
    const severity = resolvedSeverity(item);
    return severity === undefined || isAtLeast(severity, minimum);
  });
}

function scanProblems(report: Report): ScanProblems | undefined {
  const { scan, source } = report;
  const failedLists = scan.lists.filter((list) => list.status !== 'listed');
  const incomplete =
    !scan.complete || scan.error !== undefined || failedLists.length > 0 || source.failedFiles.length > 0;
  if (!incomplete) return undefined;
  const problems: ScanProblems = { failedLists, unverified: scan.unverified.length, failedFiles: source.failedFiles };
  if (scan.error) problems.error = scan.error;
  return problems;
}
