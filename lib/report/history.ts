import type { ListOutcome } from '../cluster/types.ts';
import type { DriftEntry } from '../diff/drift.ts';
import type { Change, HistoryMark } from '../diff/object.ts';
import { groupOf } from '../kube/object.ts';
import type { CarriedItem, Finding, Report, ReportHistory, ResolvedItem } from './report.ts';
import { kindKey, parseKindKey } from '../kube/kinds.ts';

/** What the history step needs of an item: its stable key and what to say of it once resolved. */
interface TrackedItem extends CarriedItem {
  describe: () => Omit<ResolvedItem, 'firstSeen' | 'resolvedAt'>;
}

function objectPart(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${kindKey({ group, kind })}|${namespace ?? ''}/${name}`;
}

/** Stable key of a drifted field (or of a missing/extra object): cluster + group/kind + namespace/name + path. */
export function driftKey(cluster: string, entry: DriftEntry, change?: Change): string {
  const path = change ? change.path : `#${entry.status}`;
  return `${cluster}|${objectPart(groupOf(entry.apiVersion), entry.kind, entry.namespace, entry.name)}|${path}`;
}

export function findingKey(cluster: string, finding: Finding): string {
  return `${cluster}|finding:${finding.check}|${finding.kind}|${finding.namespace ?? ''}/${finding.name}`;
}

function driftItems(report: Report): TrackedItem[] {
  return report.drift.flatMap((entry) => {
    const base = {
      group: groupOf(entry.apiVersion),
      kind: entry.kind,
      name: entry.name,
      ...(entry.namespace ? { namespace: entry.namespace } : {}),
    };
    const described = (path: string): Omit<ResolvedItem, 'firstSeen' | 'resolvedAt'> => ({
      key: '',
      type: 'drift',
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      name: entry.name,
      ...(entry.namespace ? { namespace: entry.namespace } : {}),
      path,
      status: entry.status,
    });
    if (entry.changes && entry.changes.length > 0) {
      return entry.changes.map((change) => ({
        ...base,
        key: driftKey(report.cluster, entry, change),
        firstSeen: change.firstSeen ?? report.generatedAt,
        describe: () => described(change.path),
      }));
    }
    return [
      {
        ...base,
        key: driftKey(report.cluster, entry),
        firstSeen: entry.firstSeen ?? report.generatedAt,
        describe: () => described(`#${entry.status}`),
      },
    ];
  });
}

function findingItems(report: Report): TrackedItem[] {
  return report.findings.map((finding) => ({
    key: findingKey(report.cluster, finding),
    firstSeen: finding.firstSeen ?? report.generatedAt,
    kind: finding.kind,
    name: finding.name,
    ...(finding.namespace ? { namespace: finding.namespace } : {}),
    describe: () => ({
      key: '',
      type: 'finding',
      kind: finding.kind,
      name: finding.name,
      check: finding.check,
      ...(finding.namespace ? { namespace: finding.namespace } : {}),
    }),
  }));
}

/**
 * True when the report's scan verifiably covered this type (and namespace): only then may its absence mean
 * "resolved". A snapshot covers the kinds it holds or names (listedKinds); a scan that says neither what it listed
 * nor what it held (a snapshot report written before listedKinds) covers nothing.
 */
function covered(report: Report, item: Pick<TrackedItem, 'group' | 'kind' | 'namespace'>): boolean {
  if (report.scan.error) return false;
  const { listedKinds } = report.scan;
  if (listedKinds)
    return listedKinds.some((key) =>
      item.group === undefined
        ? parseKindKey(key)?.kind === item.kind
        : key === kindKey({ group: item.group, kind: item.kind }),
    );
  return report.scan.lists.some(
    (list: ListOutcome) =>
      list.status === 'listed' &&
      list.kind === item.kind &&
      (item.group === undefined || list.group === item.group) &&
      (list.namespace === undefined || list.namespace === item.namespace),
  );
}

/** A previous report is history only of the same audit: same cluster, and for ad-hoc runs the same identity. */
export function isSameAudit(current: Report, previous: Report): boolean {
  return current.cluster === previous.cluster && current.identity === previous.identity;
}

/** What the previous report's live state showed: the start of this run's events window (older reports: their run time). */
export function previousObservedAt(previous: Report): Date {
  return new Date(previous.scan.observedAt ?? previous.generatedAt);
}

/**
 * Marks every drifted field and finding of `current` as new or persisting (with firstSeen), and lists what the
 * previous report had that is gone now as resolved, except where either scan could not list that type: those are
 * carried forward as unconfirmed, never resolved. `invalidPrevious` says why a stored previous report could not be read
 * (recorded in the history when there is no previous report). Pure: returns a new report.
 */
export function applyHistory(current: Report, stored: Report | undefined, invalidPrevious?: string): Report {
  const previous = stored && isSameAudit(current, stored) ? stored : undefined;
  const seenBefore = new Map<string, string>();
  if (previous) {
    for (const item of [...driftItems(previous), ...findingItems(previous)]) seenBefore.set(item.key, item.firstSeen);
    for (const carried of previous.history?.unconfirmed ?? []) seenBefore.set(carried.key, carried.firstSeen);
  }
  const mark = (key: string): { history: HistoryMark; firstSeen: string } => {
    const firstSeen = seenBefore.get(key);
    return firstSeen ? { history: 'persisting', firstSeen } : { history: 'new', firstSeen: current.generatedAt };
  };
  const drift = current.drift.map((entry) => markEntry(current.cluster, entry, mark));
  const findings = current.findings.map((finding) => ({ ...finding, ...mark(findingKey(current.cluster, finding)) }));
  const marked: Report = { ...current, drift, findings };
  const history = summarizeHistory(marked, previous);
  if (!previous && invalidPrevious !== undefined) history.previous = { status: 'invalid', reason: invalidPrevious };
  return { ...marked, history };
}

function markEntry(
  cluster: string,
  entry: DriftEntry,
  mark: (key: string) => { history: HistoryMark; firstSeen: string },
): DriftEntry {
  if (!entry.changes || entry.changes.length === 0) return { ...entry, ...mark(driftKey(cluster, entry)) };
  const changes = entry.changes.map((change) => ({ ...change, ...mark(driftKey(cluster, entry, change)) }));
  const earliest = changes.map((change) => change.firstSeen).sort()[0];
  const history: HistoryMark = changes.some((change) => change.history === 'persisting') ? 'persisting' : 'new';
  return { ...entry, changes, history, ...(earliest ? { firstSeen: earliest } : {}) };
}

function summarizeHistory(current: Report, previous: Report | undefined): ReportHistory {
  const currentKeys = new Set([...driftItems(current), ...findingItems(current)].map((item) => item.key));
  const resolved: ResolvedItem[] = [];
  const unconfirmed: CarriedItem[] = [];
  const previousItems = previous ? [...driftItems(previous), ...findingItems(previous)] : [];
  for (const item of previousItems) {
    if (currentKeys.has(item.key)) continue;
    if (previous && covered(current, item) && covered(previous, item)) {
      resolved.push({ ...item.describe(), key: item.key, firstSeen: item.firstSeen, resolvedAt: current.generatedAt });
    } else {
      unconfirmed.push(carry(item));
    }
  }
  // Carried from an earlier incomplete scan: resolved once a scan covers its type again, carried on otherwise.
  for (const carried of previous?.history?.unconfirmed ?? []) {
    if (currentKeys.has(carried.key)) continue;
    if (!covered(current, carried)) {
      unconfirmed.push(carried);
      continue;
    }
    const { key, firstSeen, group: _group, ...object } = carried;
    // The check is part of a finding's key (see findingKey): a resolved finding names it, carried or not.
    const check = /\|finding:([^|]+)\|/.exec(key)?.[1];
    resolved.push({
      ...object,
      key,
      type: check ? 'finding' : 'drift',
      ...(check ? { check } : {}),
      firstSeen,
      resolvedAt: current.generatedAt,
    });
  }
  const marks: Array<{ history?: HistoryMark }> = [
    ...current.drift.flatMap((entry): Array<{ history?: HistoryMark }> => entry.changes ?? [entry]),
    ...current.findings,
  ];
  const history: ReportHistory = {
    resolved,
    unconfirmed,
    scanProblemsChanged: !previous || scanProblemKeys(current).join('\n') !== scanProblemKeys(previous).join('\n'),
    counts: {
      new: marks.filter((item) => item.history === 'new').length,
      persisting: marks.filter((item) => item.history === 'persisting').length,
      resolved: resolved.length,
    },
  };
  if (previous) {
    history.previousRunId = previous.runId;
    history.previousGeneratedAt = previous.generatedAt;
  }
  return history;
}

function carry(item: TrackedItem): CarriedItem {
  const carried: CarriedItem = { key: item.key, firstSeen: item.firstSeen, kind: item.kind, name: item.name };
  if (item.group !== undefined) carried.group = item.group;
  if (item.namespace) carried.namespace = item.namespace;
  return carried;
}

/** What made a scan incomplete, as comparable keys: the same problem hour after hour is not news. */
export function scanProblemKeys(report: Report): string[] {
  const keys = [
    ...(report.scan.error ? ['error'] : []),
    ...report.scan.lists
      .filter((list) => list.status !== 'listed')
      .map((list) => `list:${list.group}/${list.resource}/${list.namespace ?? ''}:${list.status}`),
    ...report.source.failedFiles.map((problem) => `file:${problem.file}`),
  ];
  return keys.sort();
}
