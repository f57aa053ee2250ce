import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { at, count, record, text, timeOf } from './field-readers.ts';
import type { Subject } from './finding.ts';

/** One Event, core/v1 or events.k8s.io/v1, reduced to what the checks read. */
export interface EventRecord {
  involved: Subject;
  type: string;
  reason: string;
  message: string;
  /** How many times it happened (`count`, `deprecatedCount` or `series.count`; 1 when none). */
  count: number;
  /** The latest of its timestamps; undefined when it has none. */
  lastSeen: number | undefined;
}

/** Parsed once per run: six checks read the same events. */
const parsed = new WeakMap<CheckContext, readonly EventRecord[]>();

export function eventRecords(context: CheckContext): readonly EventRecord[] {
  const cached = parsed.get(context);
  if (cached !== undefined) return cached;
  const records = parseEvents(context);
  parsed.set(context, records);
  return records;
}

function parseEvents(context: CheckContext): EventRecord[] {
  const events = [...context.ofKind('', 'Event'), ...context.ofKind('events.k8s.io', 'Event')];
  // Both APIs serve the same stored events: one listed through both must count once.
  const seen = new Set<string>();
  return events.flatMap((event) => {
    const uid = text(event.metadata['uid']);
    if (uid !== undefined && seen.has(uid)) return [];
    if (uid !== undefined) seen.add(uid);
    const parsed = eventRecord(event);
    return parsed === undefined ? [] : [parsed];
  });
}

function eventRecord(event: KubeObject): EventRecord | undefined {
  // events.k8s.io/v1 renamed involvedObject → regarding and message → note.
  const involved = record(event['involvedObject']) ?? record(event['regarding']);
  const kind = text(involved?.['kind']);
  const name = text(involved?.['name']);
  if (kind === undefined || name === undefined) return undefined;
  const namespace = text(involved?.['namespace']) ?? event.metadata.namespace;
  return {
    involved: namespace ? { kind, namespace, name } : { kind, name },
    type: text(event['type']) ?? '',
    reason: text(event['reason']) ?? '',
    message: text(event['message']) ?? text(event['note']) ?? '',
    count: count(event['count']) ?? count(event['deprecatedCount']) ?? count(at(event, 'series', 'count')) ?? 1,
    lastSeen: lastSeen(event),
  };
}

/** Which field carries the time depends on the client that wrote the event: take the latest of them. */
function lastSeen(event: KubeObject): number | undefined {
  const times = [
    event['lastTimestamp'],
    event['deprecatedLastTimestamp'],
    event['eventTime'],
    at(event, 'series', 'lastObservedTime'),
    event.metadata['creationTimestamp'],
  ].flatMap((value) => {
    const time = timeOf(value);
    return time === undefined ? [] : [time];
  });
  return times.length === 0 ? undefined : Math.max(...times);
}

/** The most recent event of `reason` about `subject`, whatever its age. */
export function latestEvent(
  records: readonly EventRecord[],
  subject: Subject,
  reason: string,
): EventRecord | undefined {
  let latest: EventRecord | undefined;
  for (const candidate of records) {
    if (candidate.reason !== reason || !isAbout(candidate, subject)) continue;
    if (latest === undefined || (candidate.lastSeen ?? 0) > (latest.lastSeen ?? 0)) latest = candidate;
  }
  return latest;
}

function isAbout(event: EventRecord, subject: Subject): boolean {
  return (
    event.involved.kind === subject.kind &&
    event.involved.name === subject.name &&
    (event.involved.namespace ?? '') === (subject.namespace ?? '')
  );
}
