/** Who made each drift, from the cluster's audit log: read a source, attribute a report. */
import type { ListOutcome } from '../cluster/types.ts';
import type { Report } from '../report/report.ts';
import { AuditIndex, attributeDrift } from './match.ts';
import { ResourceNames } from './resources.ts';
import type { AuditLogSource, AuditLogSummary } from './types.ts';

export type { Actor, AuditEvent, AuditLogRead, AuditLogSource, AuditLogSummary } from './types.ts';
export { fileAuditLog, readAuditLogFiles } from './read.ts';
export { parseAuditLines } from './parse.ts';

export const NOT_CONFIGURED: AuditLogSummary = { source: 'not configured' };

/**
 * The report with `actor` on each change and entry the log explains, and `scan.auditLog` saying how it went. A log
 * that cannot be read costs the attribution only: the reason is in `scan.auditLog`, the drift stays as it is.
 */
export async function withActors(report: Report, source: AuditLogSource | undefined, lists: readonly ListOutcome[]): Promise<Report> {
  if (!source) return { ...report, scan: { ...report.scan, auditLog: NOT_CONFIGURED } };
  let summary: AuditLogSummary;
  let drift = report.drift;
  try {
    const read = await source.read();
    const attribution = attributeDrift(report.drift, new AuditIndex(read.events), new ResourceNames(lists));
    drift = attribution.drift;
    summary = {
      source: source.describe,
      events: read.events.length,
      matched: attribution.matched,
      unmatched: attribution.unmatched,
      ...(read.malformed > 0 ? { malformed: read.malformed } : {}),
      ...(read.events.length === 0 ? { reason: 'no events in window' } : {}),
    };
  } catch (error) {
    const reason = `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    summary = { source: source.describe, events: 0, matched: 0, unmatched: 0, reason };
  }
  return { ...report, drift, scan: { ...report.scan, auditLog: summary } };
}
