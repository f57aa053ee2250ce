import type { ListOutcome } from '../cluster/types.ts';
import type { DriftEntry } from '../diff/drift.ts';
import type { ChangeReason } from '../diff/compare.ts';
import type { Change } from '../diff/object.ts';
import type { ObjectRef } from '../kube/object.ts';
import type { SourceProblem } from '../source/types.ts';
import type { CarriedItem, Finding, Report, ReportHistory, ResolvedItem, ScanClock, ScanCompleteness, Summary } from './report.ts';
import { REPORT_SCHEMA_VERSION } from './report.ts';

/*
 * A stored report is read back only to be the "previous" report of the history step (and for the time of the last
 * run). Whatever that step reads is checked, and a report that gets it wrong is refused; fields written by older
 * versions (no findings, no scan, no source) get neutral defaults; anything else a Report needs is defaulted when
 * missing. The result holds only checked values, never the stored object itself.
 */

type Json = Record<string, unknown>;

const DRIFT_STATUSES: readonly string[] = ['modified', 'missing', 'extra'] satisfies ReadonlyArray<DriftEntry['status']>;
const CHANGE_REASONS: readonly string[] = ['differs', 'absent-live', 'live-only', 'removed-from-git'] satisfies readonly ChangeReason[];
const SEVERITIES: readonly string[] = ['critical', 'high', 'medium', 'low', 'info'] satisfies ReadonlyArray<Finding['severity']>;
const SCAN_CLOCKS: readonly string[] = ['snapshot', 'annotation', 'wall'] satisfies readonly ScanClock[];
const LIST_STATUSES: readonly string[] = ['listed', 'forbidden', 'failed'] satisfies ReadonlyArray<ListOutcome['status']>;

/**
 * The stored report of `cluster`, if `value` (parsed JSON) has what the history step needs: cluster, generatedAt (a
 * time), runId, drift entries with apiVersion/kind/name/status, well-formed findings, scan and source when present.
 * Undefined otherwise: the caller then runs as if there were no previous report.
 */
export function asStoredReport(value: unknown, cluster: string): Report | undefined {
  const checked = checkStoredReport(value, cluster);
  return 'report' in checked ? checked.report : undefined;
}

/** The stored report, or why it is not one (in words for the report and the logs: no values from it but names). */
export function checkStoredReport(value: unknown, cluster: string): { report: Report } | { problem: string } {
  if (!isRecord(value)) return { problem: 'not a JSON object' };
  const { schemaVersion } = value;
  if (schemaVersion !== undefined && (typeof schemaVersion !== 'string' || !schemaVersion.startsWith(`${REPORT_SCHEMA_VERSION.split('.')[0]}.`))) {
    return { problem: `foreign schema: schemaVersion ${JSON.stringify(schemaVersion).slice(0, 40)} is not ${REPORT_SCHEMA_VERSION.split('.')[0]}.x` };
  }
  if (value['cluster'] !== cluster) return { problem: typeof value['cluster'] === 'string' ? `a report of another cluster (${value['cluster'].slice(0, 80)})` : 'no cluster' };
  const { runId, generatedAt } = value;
  if (typeof runId !== 'string') return { problem: 'no runId' };
  if (typeof generatedAt !== 'string' || Number.isNaN(Date.parse(generatedAt))) return { problem: 'generatedAt is not a time' };
  const drift = arrayOf(value['drift'], driftEntry);
  if (!drift) return { problem: 'drift is not a list of drift entries' };
  const findings = optionalArrayOf(value['findings'], finding);
  if (!findings) return { problem: 'findings is not a list of findings' };
  const scan = scanOf(value['scan']);
  if (!scan) return { problem: 'scan is not a scan record' };
  const source = sourceOf(value['source']);
  if (!source) return { problem: 'source is not a source record' };
  const history = historyOf(value['history']);
  if (history === null) return { problem: 'history cannot be trusted (unconfirmed items malformed)' };
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId,
    cluster,
    generatedAt,
    source,
    live: { origin: isRecord(value['live']) ? stringOr(value['live']['origin'], 'unknown') : 'unknown' },
    scan,
    summary: summaryOf(drift, findings, source.failedFiles.length),
    drift,
    findings,
  };
  if (history) report.history = history;
  if (typeof value['identity'] === 'string') report.identity = value['identity'];
  return { report };
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly string[]): value is T {
  return typeof value === 'string' && allowed.includes(value);
}

/** `{ key: value }` when the value is there, `{}` otherwise (optional properties stay absent, never undefined). */
function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}

/** Every item parsed, or undefined when the value is not an array or any item is malformed. */
function arrayOf<T>(value: unknown, item: (value: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: T[] = [];
  for (const entry of value) {
    const parsed = item(entry);
    if (parsed === undefined) return undefined;
    items.push(parsed);
  }
  return items;
}

/** As arrayOf, and an empty list when the field is absent (written before it existed). */
function optionalArrayOf<T>(value: unknown, item: (value: unknown) => T | undefined): T[] | undefined {
  return value === undefined ? [] : arrayOf(value, item);
}

function driftEntry(value: unknown): DriftEntry | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind, name, status, namespace, firstSeen } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') return undefined;
  if (!oneOf<DriftEntry['status']>(status, DRIFT_STATUSES) || !isOptionalString(namespace) || !isOptionalString(firstSeen)) return undefined;
  const changes = value['changes'] === undefined ? undefined : arrayOf(value['changes'], change);
  if (value['changes'] !== undefined && changes === undefined) return undefined;
  return { apiVersion, kind, name, status, ...optional('namespace', namespace), ...optional('firstSeen', firstSeen), ...(changes ? { changes } : {}) };
}

function change(value: unknown): Change | undefined {
  if (!isRecord(value)) return undefined;
  const { path, reason, firstSeen } = value;
  if (typeof path !== 'string' || !isOptionalString(firstSeen)) return undefined;
  return { path, reason: oneOf<ChangeReason>(reason, CHANGE_REASONS) ? reason : 'differs', ...optional('firstSeen', firstSeen) };
}

function finding(value: unknown): Finding | undefined {
  if (!isRecord(value)) return undefined;
  const { check, kind, name, namespace, firstSeen, severity } = value;
  if (typeof check !== 'string' || typeof kind !== 'string' || typeof name !== 'string') return undefined;
  if (!isOptionalString(namespace) || !isOptionalString(firstSeen) || !oneOf<Finding['severity']>(severity, SEVERITIES)) return undefined;
  const parsed: Finding = { check, severity, kind, name, message: stringOr(value['message'], ''), ...optional('namespace', namespace), ...optional('firstSeen', firstSeen) };
  if (value['exempted'] === true) parsed.exempted = true;
  return parsed;
}

/** Absent (older reports): nothing is known to have been listed, so nothing is resolved against it. */
function scanOf(value: unknown): ScanCompleteness | undefined {
  if (value === undefined) return { complete: false, lists: [], unverified: [], withoutManagedFields: 0 };
  if (!isRecord(value) || typeof value['complete'] !== 'boolean' || !isOptionalString(value['error'])) return undefined;
  const lists = optionalArrayOf(value['lists'], listOutcome);
  if (!lists) return undefined;
  const scan: ScanCompleteness = {
    complete: value['complete'],
    lists,
    unverified: arrayOf(value['unverified'], objectRef) ?? [],
    withoutManagedFields: numberOr(value['withoutManagedFields'], 0),
  };
  if (value['error'] !== undefined) scan.error = value['error'];
  const { observedAt, clock } = value;
  if (typeof observedAt === 'string' && !Number.isNaN(Date.parse(observedAt))) scan.observedAt = observedAt;
  if (oneOf<ScanClock>(clock, SCAN_CLOCKS)) scan.clock = clock;
  const listedKinds = value['listedKinds'];
  if (listedKinds !== undefined) {
    const kinds = Array.isArray(listedKinds) ? listedKinds.filter((kind): kind is string => typeof kind === 'string') : [];
    if (!Array.isArray(listedKinds) || kinds.length !== listedKinds.length) return undefined;
    scan.listedKinds = kinds;
  }
  return scan;
}

function listOutcome(value: unknown): ListOutcome | undefined {
  if (!isRecord(value)) return undefined;
  const { group, resource, kind, status, namespace } = value;
  if (typeof group !== 'string' || typeof resource !== 'string' || typeof kind !== 'string') return undefined;
  if (!oneOf<ListOutcome['status']>(status, LIST_STATUSES) || !isOptionalString(namespace)) return undefined;
  return { group, version: stringOr(value['version'], ''), resource, kind, status, count: numberOr(value['count'], 0), ...optional('namespace', namespace) };
}

function objectRef(value: unknown): ObjectRef | undefined {
  if (!isRecord(value)) return undefined;
  const { group, kind, name, namespace } = value;
  if (typeof group !== 'string' || typeof kind !== 'string' || typeof name !== 'string' || !isOptionalString(namespace)) return undefined;
  return { group, kind, name, ...optional('namespace', namespace) };
}

function sourceOf(value: unknown): Report['source'] | undefined {
  if (value === undefined) return { location: 'unknown', path: '.', files: 0, failedFiles: [], warnings: [] };
  if (!isRecord(value)) return undefined;
  const failedFiles = optionalArrayOf(value['failedFiles'], (item) => problem(item, 'error'));
  if (!failedFiles) return undefined;
  const source: Report['source'] = {
    location: stringOr(value['location'], 'unknown'),
    path: stringOr(value['path'], '.'),
    files: numberOr(value['files'], 0),
    failedFiles,
    warnings: arrayOf(value['warnings'], (item) => problem(item, 'warning')) ?? [],
  };
  if (typeof value['commit'] === 'string') source.commit = value['commit'];
  const renderer = value['renderer'];
  if (renderer === 'plain' || renderer === 'kustomize' || renderer === 'helm') source.renderer = renderer;
  const tool = value['tool'];
  if (isRecord(tool) && (tool['name'] === 'dwrender' || tool['name'] === 'kustomize' || tool['name'] === 'helm') && isRecord(tool['versions'])) {
    const versions = Object.fromEntries(Object.entries(tool['versions']).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    source.tool = { name: tool['name'], versions };
  }
  const chart = value['chart'];
  if (isRecord(chart) && typeof chart['name'] === 'string' && typeof chart['version'] === 'string') source.chart = { name: chart['name'], version: chart['version'] };
  const release = value['release'];
  if (isRecord(release) && typeof release['name'] === 'string' && typeof release['namespace'] === 'string') source.release = { name: release['name'], namespace: release['namespace'] };
  return source;
}

function problem(value: unknown, severity: SourceProblem['severity']): SourceProblem | undefined {
  if (!isRecord(value) || typeof value['file'] !== 'string') return undefined;
  const parsed: SourceProblem = { file: value['file'], message: stringOr(value['message'], ''), severity };
  if (typeof value['line'] === 'number') parsed.line = value['line'];
  return parsed;
}

/** Undefined: no history (fine); null: a history the next step cannot trust. */
function historyOf(value: unknown): ReportHistory | undefined | null {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return null;
  const unconfirmed = optionalArrayOf(value['unconfirmed'], carriedItem);
  if (!unconfirmed) return null;
  const counts = isRecord(value['counts']) ? value['counts'] : {};
  return {
    resolved: arrayOf(value['resolved'], resolvedItem) ?? [],
    unconfirmed,
    counts: { new: numberOr(counts['new'], 0), persisting: numberOr(counts['persisting'], 0), resolved: numberOr(counts['resolved'], 0) },
    scanProblemsChanged: value['scanProblemsChanged'] !== false,
    ...optional('previousRunId', typeof value['previousRunId'] === 'string' ? value['previousRunId'] : undefined),
    ...optional('previousGeneratedAt', typeof value['previousGeneratedAt'] === 'string' ? value['previousGeneratedAt'] : undefined),
    ...previousOf(value['previous']),
  };
}

/** A previous report that was there and not valid: the export shows the gap it left in the history. */
function previousOf(value: unknown): Pick<ReportHistory, 'previous'> {
  if (!isRecord(value) || value['status'] !== 'invalid' || typeof value['reason'] !== 'string') return {};
  return { previous: { status: 'invalid', reason: value['reason'] } };
}

function carriedItem(value: unknown): CarriedItem | undefined {
  if (!isRecord(value)) return undefined;
  const { key, firstSeen, kind, name, group, namespace } = value;
  if (typeof key !== 'string' || typeof firstSeen !== 'string' || typeof kind !== 'string' || typeof name !== 'string') return undefined;
  if (!isOptionalString(group) || !isOptionalString(namespace)) return undefined;
  return { key, firstSeen, kind, name, ...optional('group', group), ...optional('namespace', namespace) };
}

function resolvedItem(value: unknown): ResolvedItem | undefined {
  if (!isRecord(value)) return undefined;
  const { key, type, kind, name, firstSeen, resolvedAt } = value;
  if (typeof key !== 'string' || (type !== 'drift' && type !== 'finding') || typeof kind !== 'string' || typeof name !== 'string') return undefined;
  if (typeof firstSeen !== 'string' || typeof resolvedAt !== 'string') return undefined;
  return { key, type, kind, name, firstSeen, resolvedAt };
}

/** Recounted from what was kept: nothing reads a previous report's summary, but a Report has one. */
function summaryOf(drift: readonly DriftEntry[], findings: readonly Finding[], failedFiles: number): Summary {
  const count = (status: DriftEntry['status']): number => drift.filter((entry) => entry.status === status).length;
  const bySeverity: Summary['findings'] = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const item of findings) if (!item.exempted) bySeverity[item.severity]++;
  return {
    declared: 0,
    compared: 0,
    modified: count('modified'),
    missing: count('missing'),
    extra: count('extra'),
    changes: drift.reduce((total, entry) => total + (entry.changes?.length ?? 0), 0),
    failedFiles,
    findings: bySeverity,
    exemptedFindings: findings.filter((item) => item.exempted).length,
  };
}
