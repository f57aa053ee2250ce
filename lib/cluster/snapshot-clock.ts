import { isPlainObject } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import type { LiveClock } from './types.ts';

/** Annotation on a snapshot's List saying when it was captured (RFC 3339): the snapshot's clock, when present. */
export const CAPTURED_AT_ANNOTATION = 'driftwatch.io/captured-at';

/**
 * The time a snapshot shows: its List's captured-at annotation, else the newest observation it holds (managedFields
 * writes, creation, event times, condition transitions, container starts). Undefined when it holds no time at all:
 * the audit then falls back to the wall clock and says so.
 */
export function snapshotClock(capturedAt: string | undefined, objects: readonly KubeObject[]): LiveClock | undefined {
  let newest = Number.NEGATIVE_INFINITY;
  for (const object of objects) newest = Math.max(newest, newestObservation(object));
  return snapshotClockAt(capturedAt, newest);
}

/** The same clock from the newest observation already found (`newestObservation` over the objects, as they stream). */
export function snapshotClockAt(capturedAt: string | undefined, newest: number): LiveClock | undefined {
  const annotated = capturedAt === undefined ? undefined : Date.parse(capturedAt);
  if (annotated !== undefined && !Number.isNaN(annotated))
    return { source: 'annotation', at: new Date(annotated).toISOString() };
  return Number.isFinite(newest) ? { source: 'snapshot', at: new Date(newest).toISOString() } : undefined;
}

/**
 * The newest time (ms) one object shows having happened; -Infinity when it shows none. Only observations: fields
 * that name the future (certificate renewal, expiry) would move the clock forward. Runs once per object of a
 * snapshot as it streams, so it walks the fields in place, without collecting them.
 */
export function newestObservation(object: KubeObject): number {
  const { metadata } = object;
  let newest = later(Number.NEGATIVE_INFINITY, metadata['creationTimestamp']);
  if (Array.isArray(metadata.managedFields)) {
    for (const entry of metadata.managedFields as unknown[])
      if (isPlainObject(entry)) newest = later(newest, entry['time']);
  }
  // Events (core/v1 and events.k8s.io/v1).
  const series = object['series'];
  newest = later(
    later(later(later(newest, object['lastTimestamp']), object['firstTimestamp']), object['eventTime']),
    object['deprecatedLastTimestamp'],
  );
  if (isPlainObject(series)) newest = later(newest, series['lastObservedTime']);
  const status = object['status'];
  if (!isPlainObject(status)) return newest;
  newest = later(
    later(later(later(newest, status['startTime']), status['lastScheduleTime']), status['lastSuccessfulTime']),
    status['completionTime'],
  );
  for (const condition of entriesOf(status['conditions'])) {
    newest = later(
      later(
        later(later(newest, condition['lastTransitionTime']), condition['lastHeartbeatTime']),
        condition['lastProbeTime'],
      ),
      condition['lastUpdateTime'],
    );
  }
  for (const statuses of [status['containerStatuses'], status['initContainerStatuses']]) {
    for (const container of entriesOf(statuses)) {
      for (const state of [container['state'], container['lastState']]) {
        if (!isPlainObject(state)) continue;
        for (const detail of Object.values(state))
          if (isPlainObject(detail)) newest = later(later(newest, detail['startedAt']), detail['finishedAt']);
      }
    }
  }
  return newest;
}

/** The last time string parsed: objects of one snapshot repeat their times (one apply, one rollout). */
let lastParsed: { text: string; time: number } = { text: '', time: Number.NaN };

function later(newest: number, value: unknown): number {
  if (typeof value !== 'string') return newest;
  if (value !== lastParsed.text) lastParsed = { text: value, time: Date.parse(value) };
  const { time } = lastParsed;
  return Number.isNaN(time) ? newest : Math.max(newest, time);
}

function entriesOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}
