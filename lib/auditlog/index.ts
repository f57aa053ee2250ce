/** Who made each drift, from the cluster's audit log: read a source, attribute drift and findings. */
import type { LiveState } from '../cluster/types.ts';
import { AuditIndex, attributeDrift, attributeFindings, requestOf } from './match.ts';
import { ResourceNames } from './resources.ts';
import type {
  AttributedDriftEntry,
  AttributedFinding,
  AuditLogRead,
  AuditLogSource,
  AuditLogSummary,
} from './types.ts';

export type {
  Actor,
  AttributedChange,
  AttributedDriftEntry,
  AttributedFinding,
  AuditEvent,
  AuditLogRead,
  AuditLogRequest,
  AuditLogSource,
  AuditLogSummary,
  AuditObjectRef,
} from './types.ts';
export { fileAuditLog, readAuditLogFiles } from './read.ts';
export { AuditLineParser, parseAuditLines } from './parse.ts';
export { defaultEksLogGroup } from './log-group.ts';

export const NOT_CONFIGURED: AuditLogSummary = { source: 'not configured' };

/**
 * What attribution reads and writes: a report (lib/report) is one, without this folder knowing its other fields.
 */
export interface Attributable {
  drift: AttributedDriftEntry[];
  findings: AttributedFinding[];
  scan: { auditLog?: AuditLogSummary };
}

/**
 * The report with `actor` on each change, entry and hand-made-object finding the log explains, and `scan.auditLog` saying how it went. A log
 * that cannot be read costs the attribution only: the reason is in `scan.auditLog`, the drift stays as it is.
 */
export async function withActors<R extends Attributable>(
  report: R,
  source: AuditLogSource | undefined,
  live: Pick<LiveState, 'lists' | 'objects'>,
): Promise<R> {
  if (!source) return { ...report, scan: { ...report.scan, auditLog: NOT_CONFIGURED } };
  const resources = new ResourceNames(live.lists);
  let read: AuditLogRead;
  try {
    read = await source.read(requestOf(report.drift, report.findings, resources, live.objects));
  } catch (error) {
    const reason = `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    return {
      ...report,
      scan: { ...report.scan, auditLog: { source: source.describe, events: 0, matched: 0, unmatched: 0, reason } },
    };
  }
  const index = new AuditIndex(read.events);
  const drift = attributeDrift(report.drift, index, resources);
  const findings = attributeFindings(report.findings, index, resources, live.objects);
  const summary: AuditLogSummary = {
    source: source.describe,
    events: read.events.length,
    matched: drift.matched + findings.matched,
    unmatched: drift.unmatched + findings.unmatched,
    ...(read.malformed > 0 ? { malformed: read.malformed } : {}),
    ...(read.truncated
      ? { reason: read.truncated }
      : read.events.length === 0
        ? { reason: 'no events in window' }
        : {}),
  };
  return { ...report, drift: drift.drift, findings: findings.findings, scan: { ...report.scan, auditLog: summary } };
}
