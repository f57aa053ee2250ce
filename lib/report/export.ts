import type { Actor, AttributedChange, AttributedDriftEntry } from '../auditlog/index.ts';
import type { DriftStatus } from '../diff/drift.ts';
import { describeWriter } from './format.ts';
import type { ActorName } from './format.ts';
import { driftKey, findingKey } from './history.ts';
import type { Finding, Report, ResolvedItem } from './report.ts';

/**
 * The audit trail of one cluster over a period: every drifted field (or missing/extra object) and every finding seen
 * in any report of the period, once per stable key, with when it was first and last seen and when it was resolved.
 */
export interface ExportPeriod {
  cluster: string;
  /** The requested bounds (ISO), when given; otherwise the first and last report bound the period. */
  since?: string;
  until?: string;
  reports: ExportedReport[];
  items: ExportItem[];
}

export interface ExportedReport {
  generatedAt: string;
  runId: string;
  commit?: string;
  complete: boolean;
  /** Why the report before it could not be read: the history restarts at this report (a gap in the trail). */
  previousInvalid?: string;
}

/** A report of the period whose history restarted because the report before it was not valid. */
export interface HistoryGap {
  at: string;
  reason: string;
}

/**
 * `open`: in the period's last report; `resolved`: a later report listed it as resolved; `unconfirmed`: gone from the
 * last report without a resolution (its type could not be listed since), so neither open nor resolved for sure.
 */
export type ItemState = 'open' | 'resolved' | 'unconfirmed';

/** One continuous stretch during which an item was reported; an item that comes back after being resolved has several. */
export interface Episode {
  firstSeen: string;
  /** The last report that had it; absent for an item resolved by the first report of the period. */
  lastSeen?: string;
  resolvedAt?: string;
}

export interface ExportItem {
  key: string;
  type: 'drift' | 'finding';
  state: ItemState;
  cluster: string;
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Drift: the changed field's JSON pointer, or `#missing` / `#extra` for a whole object. */
  path?: string;
  driftStatus?: DriftStatus;
  reason?: string;
  declared?: unknown;
  live?: unknown;
  check?: string;
  severity?: Finding['severity'];
  message?: string;
  remediation?: string;
  /** Who last wrote the live value (or created the extra object), and when, from managedFields. */
  manager?: string;
  subresource?: string;
  changedAt?: string;
  /** Who that was, from the cluster's audit log: the person (`username`) and the write (`verb`). */
  actor?: ActorName;
  /** Declared-state commit of the last report that had the item. */
  commit?: string;
  /** Findings: `active`, or `exempted` with the exemption's reason, owner and expiry when known. */
  exemption?: string;
  firstSeen: string;
  lastSeen?: string;
  resolvedAt?: string;
  /** Time reported, summed over episodes: each up to its resolution, an unresolved one up to its last sighting. */
  durationMs: number;
  /** Reports of the period that had the item. */
  sightings: number;
  episodes: Episode[];
  /**
   * History restarts while the item was reported, or right after its last sighting: its first seen may be earlier
   * than shown, or it may have been resolved then without a report saying so.
   */
  historyGaps?: HistoryGap[];
}

/** What the latest sighting of an item says about it; replaced wholesale on each sighting. */
type ItemDetails = Omit<
  ExportItem,
  'state' | 'firstSeen' | 'lastSeen' | 'resolvedAt' | 'durationMs' | 'sightings' | 'episodes'
>;

interface Sighting {
  details: ItemDetails;
  /** From the history marks: may be older than the period. */
  firstSeen?: string;
}

interface ItemTrack {
  details: ItemDetails;
  episodes: Episode[];
  sightings: number;
}

export interface ExportBuilder {
  /** Reports must come oldest first. */
  add(report: Report): void;
  finish(): ExportPeriod;
}

/** Folds reports one at a time, so a long period never holds more than one report in memory. */
export function createExportBuilder(cluster: string, range: { since?: string; until?: string } = {}): ExportBuilder {
  const tracks = new Map<string, ItemTrack>();
  const reports: ExportedReport[] = [];
  return {
    add(report) {
      reports.push(exportedReport(report));
      for (const sighting of sightingsOf(report)) recordSighting(tracks, sighting, report.generatedAt);
      for (const resolved of report.history?.resolved ?? []) recordResolution(tracks, resolved, report);
    },
    finish() {
      const lastReport = reports.at(-1)?.generatedAt;
      const gaps = historyGaps(reports);
      const items = [...tracks.values()]
        .map((track) => withGaps(toItem(track, lastReport), gaps, reports))
        .sort(compareItems);
      return { cluster, ...range, reports, items };
    },
  };
}

export function buildExport(
  cluster: string,
  reports: readonly Report[],
  range: { since?: string; until?: string } = {},
): ExportPeriod {
  const builder = createExportBuilder(cluster, range);
  for (const report of reports) builder.add(report);
  return builder.finish();
}

function exportedReport(report: Report): ExportedReport {
  return {
    generatedAt: report.generatedAt,
    runId: report.runId,
    complete: report.scan.complete,
    ...(report.source.commit ? { commit: report.source.commit } : {}),
    ...(report.history?.previous ? { previousInvalid: report.history.previous.reason } : {}),
  };
}

/** Where the period's history restarted because a previous report was not valid. */
export function historyGaps(reports: readonly ExportedReport[]): HistoryGap[] {
  return reports.flatMap((report) =>
    report.previousInvalid !== undefined ? [{ at: report.generatedAt, reason: report.previousInvalid }] : [],
  );
}

/** The gaps from the item's first sighting to its resolution, or to the first report after its last sighting. */
function withGaps(item: ExportItem, gaps: readonly HistoryGap[], reports: readonly ExportedReport[]): ExportItem {
  if (gaps.length === 0) return item;
  const after = (time: string | undefined): string | undefined =>
    time ? reports.find((report) => Date.parse(report.generatedAt) > Date.parse(time))?.generatedAt : undefined;
  const end = item.resolvedAt ?? after(item.lastSeen) ?? item.lastSeen ?? item.firstSeen;
  const hits = gaps.filter(
    (gap) => Date.parse(gap.at) >= Date.parse(item.firstSeen) && Date.parse(gap.at) <= Date.parse(end),
  );
  return hits.length > 0 ? { ...item, historyGaps: hits } : item;
}

/** `2026-10-14T09:00:00Z previous report invalid (not JSON)`, for the exports' one-line cells. */
export function gapText(gap: HistoryGap): string {
  return `${isoSeconds(gap.at)} previous report invalid (${gap.reason})`;
}

function recordSighting(tracks: Map<string, ItemTrack>, sighting: Sighting, at: string): void {
  const track = tracks.get(sighting.details.key);
  if (!track) {
    tracks.set(sighting.details.key, {
      details: sighting.details,
      episodes: [{ firstSeen: earliest(sighting.firstSeen, at), lastSeen: at }],
      sightings: 1,
    });
    return;
  }
  track.details = sighting.details;
  track.sightings++;
  const current = track.episodes.at(-1);
  // Back after a resolution: a new episode, first seen now (the history marks restart it as `new` too).
  if (!current || current.resolvedAt !== undefined) track.episodes.push({ firstSeen: at, lastSeen: at });
  else current.lastSeen = at;
}

function recordResolution(tracks: Map<string, ItemTrack>, resolved: ResolvedItem, report: Report): void {
  const track = tracks.get(resolved.key);
  if (!track) {
    // Last seen before the period began, resolved within it.
    const lastSeen = report.history?.previousGeneratedAt;
    tracks.set(resolved.key, {
      details: detailsOfResolved(resolved, report),
      episodes: [{ firstSeen: resolved.firstSeen, ...(lastSeen ? { lastSeen } : {}), resolvedAt: resolved.resolvedAt }],
      sightings: 0,
    });
    return;
  }
  const current = track.episodes.at(-1);
  if (current && current.resolvedAt === undefined) current.resolvedAt = resolved.resolvedAt;
}

function earliest(marked: string | undefined, at: string): string {
  return marked !== undefined && Date.parse(marked) < Date.parse(at) ? marked : at;
}

function toItem(track: ItemTrack, lastReport: string | undefined): ExportItem {
  const { episodes } = track;
  const first = episodes[0];
  const last = episodes.at(-1);
  const state: ItemState =
    last?.resolvedAt !== undefined ? 'resolved' : last?.lastSeen === lastReport ? 'open' : 'unconfirmed';
  const lastSeen = [...episodes].reverse().find((episode) => episode.lastSeen !== undefined)?.lastSeen;
  return {
    ...track.details,
    state,
    firstSeen: first?.firstSeen ?? '',
    ...(lastSeen ? { lastSeen } : {}),
    ...(last?.resolvedAt ? { resolvedAt: last.resolvedAt } : {}),
    durationMs: episodes.reduce((total, episode) => total + episodeMs(episode), 0),
    sightings: track.sightings,
    episodes,
  };
}

function episodeMs(episode: Episode): number {
  const end = episode.resolvedAt ?? episode.lastSeen ?? episode.firstSeen;
  return Math.max(0, Date.parse(end) - Date.parse(episode.firstSeen));
}

function compareItems(a: ExportItem, b: ExportItem): number {
  return (
    (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
    a.type.localeCompare(b.type) ||
    a.kind.localeCompare(b.kind) ||
    a.name.localeCompare(b.name) ||
    (a.path ?? a.check ?? '').localeCompare(b.path ?? b.check ?? '') ||
    a.key.localeCompare(b.key)
  );
}

// --- what one report says about each item ---------------------------------------------------------------------------

function sightingsOf(report: Report): Sighting[] {
  const commit = report.source.commit;
  return [
    ...report.drift.flatMap((entry) => driftSightings(report.cluster, entry, commit)),
    ...report.findings.map((finding) => findingSighting(report.cluster, finding, commit)),
  ];
}

function objectOf(
  cluster: string,
  entry: AttributedDriftEntry,
): Pick<ItemDetails, 'cluster' | 'apiVersion' | 'kind' | 'namespace' | 'name' | 'driftStatus'> {
  return {
    cluster,
    apiVersion: entry.apiVersion,
    kind: entry.kind,
    name: entry.name,
    driftStatus: entry.status,
    ...(entry.namespace ? { namespace: entry.namespace } : {}),
  };
}

function driftSightings(cluster: string, entry: AttributedDriftEntry, commit: string | undefined): Sighting[] {
  const object = objectOf(cluster, entry);
  const withCommit = commit ? { commit } : {};
  if (!entry.changes || entry.changes.length === 0) {
    const details: ItemDetails = {
      key: driftKey(cluster, entry),
      type: 'drift',
      ...object,
      path: `#${entry.status}`,
      ...writer(entry.manager, entry.time, entry.actor),
      ...withCommit,
    };
    return [{ details, ...(entry.firstSeen ? { firstSeen: entry.firstSeen } : {}) }];
  }
  return entry.changes.map((change: AttributedChange) => {
    const details: ItemDetails = {
      key: driftKey(cluster, entry, change),
      type: 'drift',
      ...object,
      path: change.path,
      reason: change.reason,
      ...('declared' in change ? { declared: change.declared } : {}),
      ...('live' in change ? { live: change.live } : {}),
      ...writer(change.manager, change.time, change.actor),
      ...(change.subresource ? { subresource: change.subresource } : {}),
      ...withCommit,
    };
    return { details, ...(change.firstSeen ? { firstSeen: change.firstSeen } : {}) };
  });
}

function writer(
  manager: string | undefined,
  time: string | undefined,
  actor: Actor | undefined,
): Pick<ItemDetails, 'manager' | 'changedAt' | 'actor'> {
  return {
    ...(manager ? { manager } : {}),
    ...(time ? { changedAt: time } : {}),
    ...(actor ? { actor: { username: actor.username, verb: actor.verb, time: actor.time } } : {}),
  };
}

function findingSighting(cluster: string, finding: Finding, commit: string | undefined): Sighting {
  const details: ItemDetails = {
    key: findingKey(cluster, finding),
    type: 'finding',
    cluster,
    kind: finding.kind,
    name: finding.name,
    ...(finding.namespace ? { namespace: finding.namespace } : {}),
    check: finding.check,
    severity: finding.severity,
    message: finding.message,
    ...(finding.remediation ? { remediation: finding.remediation } : {}),
    exemption: exemptionText(finding),
    ...(commit ? { commit } : {}),
  };
  return { details, ...(finding.firstSeen ? { firstSeen: finding.firstSeen } : {}) };
}

/** Checks attach `exemption: {reason, owner?, expires?}` to exempted findings (an extra field the schema allows). */
function exemptionText(finding: Finding): string {
  if (!finding.exempted) return 'active';
  const exemption: unknown = (finding as Finding & { exemption?: unknown }).exemption;
  if (typeof exemption !== 'object' || exemption === null) return 'exempted';
  const { reason, owner, expires } = exemption as Record<string, unknown>;
  const parts = [
    typeof owner === 'string' ? `owner ${owner}` : '',
    typeof expires === 'string' ? `expires ${expires}` : '',
  ].filter(Boolean);
  const because = typeof reason === 'string' && reason ? `: ${reason}` : '';
  return `exempted${because}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function detailsOfResolved(resolved: ResolvedItem, report: Report): ItemDetails {
  const where = {
    cluster: report.cluster,
    kind: resolved.kind,
    name: resolved.name,
    ...(resolved.namespace ? { namespace: resolved.namespace } : {}),
  };
  if (resolved.type === 'finding')
    return { key: resolved.key, type: 'finding', ...where, ...(resolved.check ? { check: resolved.check } : {}) };
  const status = resolved.status as DriftStatus | undefined;
  return {
    key: resolved.key,
    type: 'drift',
    ...where,
    ...(resolved.apiVersion ? { apiVersion: resolved.apiVersion } : {}),
    ...(resolved.path ? { path: resolved.path } : {}),
    ...(status ? { driftStatus: status } : {}),
  };
}

/** `7d 4h`, `3h 20m`, `45m`, `0m`: a duration at the precision a scan interval allows. */
export function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

/** `2026-11-20T10:02:11Z`: ISO 8601 UTC to the second, the one timestamp form every export uses. */
export function isoSeconds(value: string | undefined): string {
  if (!value) return '';
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A value on one line: strings as they are, anything else as JSON; empty when absent. */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `Deployment shop/web`. */
export function objectLabel(item: Pick<ExportItem, 'kind' | 'namespace' | 'name'>): string {
  return `${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`;
}

// --- markdown ---------------------------------------------------------------------------------------------------------

function markdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/** Counts per state, for every rendering's headline. */
export function stateCounts(items: readonly ExportItem[]): Record<ItemState, number> {
  const counts: Record<ItemState, number> = { open: 0, resolved: 0, unconfirmed: 0 };
  for (const item of items) counts[item.state]++;
  return counts;
}

export function periodBounds(period: ExportPeriod): { start: string; end: string } {
  return {
    start: period.since ?? period.reports[0]?.generatedAt ?? '',
    end: period.until ?? period.reports.at(-1)?.generatedAt ?? '',
  };
}

/** What the item is: the drift status and field, or the finding's severity and check. */
export function itemSubject(item: ExportItem): string {
  if (item.type === 'finding') return `${item.severity ?? 'finding'} ${item.check ?? ''}`.trim();
  return `${item.driftStatus ?? 'drift'} ${item.path?.startsWith('#') ? '' : (item.path ?? '')}`.trim();
}

export function exportMarkdown(period: ExportPeriod): string {
  const { start, end } = periodBounds(period);
  const counts = stateCounts(period.items);
  const lines = [
    `# Drift and findings of ${period.cluster}, ${isoSeconds(start)} to ${isoSeconds(end)}`,
    '',
    `${period.reports.length} reports; ${period.items.length} items: ${counts.open} still open, ${counts.resolved} resolved, ${counts.unconfirmed} unconfirmed (gone without a complete scan to confirm it).`,
  ];
  const gaps = historyGaps(period.reports);
  if (gaps.length > 0) {
    lines.push(
      '',
      `History gaps: the history restarts where the report before could not be read (first seen may be earlier, resolutions may be missing):`,
      '',
    );
    for (const gap of gaps) lines.push(`- ${markdownCell(gapText(gap))}`);
  }
  if (period.items.length > 0) {
    lines.push(
      '',
      '| State | Object | Item | Declared | Live | Changed by | Commit | Exemption | First seen | Last seen | Resolved at | Duration |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const item of period.items) {
      const cells = [
        item.state,
        objectLabel(item),
        itemSubject(item),
        item.type === 'drift' ? valueText(item.declared) : (item.message ?? ''),
        valueText(item.live),
        describeWriter(
          item.manager,
          item.changedAt ? isoSeconds(item.changedAt) : undefined,
          item.subresource,
          item.actor,
        ),
        item.commit?.slice(0, 12) ?? '',
        item.exemption ?? '',
        isoSeconds(item.firstSeen),
        isoSeconds(item.lastSeen),
        item.resolvedAt ? isoSeconds(item.resolvedAt) : 'still open',
        humanDuration(item.durationMs),
      ];
      lines.push(`| ${cells.map(markdownCell).join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
