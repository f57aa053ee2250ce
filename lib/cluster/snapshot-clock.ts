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
  if (annotated !== undefined && !Number.isNaN(annotated)) return { source: 'annotation', at: new Date(annotated).toISOString() };
  return Number.isFinite(newest) ? { source: 'snapshot', at: new Date(newest).toISOString() } : undefined;
}

/** The newest time (ms) one object shows having happened; -Infinity when it shows none. */
export function newestObservation(object: KubeObject): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const value of observedTimes(object)) {
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(time) && time > newest) newest = time;
  }
  return newest;
}

/**
 * Times that record something having happened by capture. Only observations: fields that name the future
 * (certificate renewal, expiry) would move the clock forward.
 */
function observedTimes(object: KubeObject): unknown[] {
  const { metadata } = object;
  const managed = Array.isArray(metadata.managedFields) ? metadata.managedFields : [];
  const times: unknown[] = [metadata['creationTimestamp'], ...managed.map((entry: unknown) => (isPlainObject(entry) ? entry['time'] : undefined))];
  // Events (core/v1 and events.k8s.io/v1).
  const series = object['series'];
  times.push(object['lastTimestamp'], object['firstTimestamp'], object['eventTime'], object['deprecatedLastTimestamp'], isPlainObject(series) ? series['lastObservedTime'] : undefined);
  const status = object['status'];
  if (!isPlainObject(status)) return times;
  times.push(status['startTime'], status['lastScheduleTime'], status['lastSuccessfulTime'], status['completionTime']);
  for (const condition of entriesOf(status['conditions'])) {
    times.push(condition['lastTransitionTime'], condition['lastHeartbeatTime'], condition['lastProbeTime'], condition['lastUpdateTime']);
  }
  for (const container of [...entriesOf(status['containerStatuses']), ...entriesOf(status['initContainerStatuses'])]) {
    for (const state of [container['state'], container['lastState']]) {
      if (!isPlainObject(state)) continue;
      for (const detail of Object.values(state)) if (isPlainObject(detail)) times.push(detail['startedAt'], detail['finishedAt']);
    }
  }
  return times;
}

function entriesOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}
