/**
 * Who made each drift: the audit event behind a change, an extra object or a missing one. Pure.
 *
 * A change is matched on the object (group, resource, namespace, name, subresource), a write verb, and the time its
 * managedFields entry shows (second precision, so within TIME_TOLERANCE_MS of the event's receipt..completion), and
 * the same tool: the request's `fieldManager` when its URI names one, else the user agent's program
 * (`kubectl-edit` ↔ `kubectl/v1.34`).
 * A missing object gets the last delete of it.
 */
import type { DriftEntry } from '../diff/drift.ts';
import { groupOf } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import type { Finding } from '../checks/index.ts';
import type { ResourceNames } from './resources.ts';
import type {
  Actor,
  AttributedChange,
  AttributedDriftEntry,
  AttributedFinding,
  AuditEvent,
  AuditLogRequest,
  AuditObjectRef,
} from './types.ts';

/** managedFields times are truncated to the second; clocks of one API server agree. */
export const TIME_TOLERANCE_MS = 2_000;

const MODIFY_VERBS = ['update', 'patch', 'create'];
const CREATE_VERBS = ['create', 'update', 'patch'];

function keyOf(ref: AuditObjectRef): string {
  return [ref.group, ref.resource, ref.namespace ?? '', ref.name, ref.subresource ?? ''].join('\u0000');
}

/** Events by object, oldest first. */
export class AuditIndex {
  private readonly byObject = new Map<string, AuditEvent[]>();

  constructor(events: readonly AuditEvent[]) {
    for (const event of events) {
      const key = keyOf(event.objectRef);
      const list = this.byObject.get(key);
      if (list) list.push(event);
      else this.byObject.set(key, [event]);
    }
    for (const list of this.byObject.values()) list.sort((a, b) => a.completedMs - b.completedMs);
  }

  eventsOf(ref: AuditObjectRef): readonly AuditEvent[] {
    return this.byObject.get(keyOf(ref)) ?? [];
  }
}

/** The program a user agent names (`kubectl/v1.34.4 (linux/amd64) kubernetes/abc` → `kubectl`). */
function programOf(userAgent: string | undefined): string | undefined {
  const product = userAgent?.split(/[/ ]/, 1)[0];
  return product === undefined || product === '' ? undefined : product;
}

/**
 * Whether the event can be the manager's write: the field manager the request named must be the manager; without
 * one, the user agent's program must be the manager or its prefix (managers default to the program, kubectl's
 * commands add `-verb`); with neither, nothing says otherwise.
 */
export function sameTool(manager: string | undefined, event: Pick<AuditEvent, 'userAgent' | 'fieldManager'>): boolean {
  if (manager !== undefined && event.fieldManager !== undefined) return event.fieldManager === manager;
  const program = programOf(event.userAgent);
  if (manager === undefined || program === undefined) return true;
  return manager === program || manager.startsWith(`${program}-`);
}

interface Wanted {
  ref: AuditObjectRef;
  verbs: readonly string[];
  manager?: string;
  /** ISO time from managedFields, second precision; absent when the write recorded none (`kubectl scale`). */
  time?: string;
}

/**
 * The event nearest in time that fits; verbs earlier in `verbs` win a tie. Without a time (managedFields keep none
 * for some subresource writes), the last write of that tool through that subresource: the one whose value is live.
 */
export function findWrite(index: AuditIndex, wanted: Wanted): AuditEvent | undefined {
  if (wanted.time === undefined && wanted.manager === undefined) return undefined; // nothing to tell one write from another
  if (wanted.time === undefined)
    return lastOf(
      index
        .eventsOf(wanted.ref)
        .filter((event) => wanted.verbs.includes(event.verb) && sameTool(wanted.manager, event)),
    );
  const at = Date.parse(wanted.time);
  if (Number.isNaN(at)) return undefined;
  let best: { event: AuditEvent; distance: number; rank: number } | undefined;
  for (const event of index.eventsOf(wanted.ref)) {
    const rank = wanted.verbs.indexOf(event.verb);
    if (rank < 0 || !sameTool(wanted.manager, event)) continue;
    // the managedFields time lies between receipt and completion, truncated to the second
    const from = Math.floor(event.receivedMs / 1000) * 1000 - TIME_TOLERANCE_MS;
    const to = event.completedMs + TIME_TOLERANCE_MS;
    if (at < from || at > to) continue;
    const distance = Math.abs(Math.floor(event.completedMs / 1000) * 1000 - at);
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && (rank < best.rank || event.completedMs > best.event.completedMs))
    )
      best = { event, distance, rank };
  }
  return best?.event;
}

/** The last delete of the object. */
export function findDelete(index: AuditIndex, ref: AuditObjectRef): AuditEvent | undefined {
  return lastOf(index.eventsOf(ref).filter((event) => event.verb === 'delete'));
}

function lastOf(events: readonly AuditEvent[]): AuditEvent | undefined {
  return events[events.length - 1];
}

export function actorOf(event: AuditEvent): Actor {
  const acting = event.impersonatedUser ?? event.user;
  const actor: Actor = { username: acting.username, verb: event.verb, time: event.time, auditId: event.auditId };
  if (acting.groups) actor.groups = [...acting.groups];
  if (acting.uid) actor.uid = acting.uid;
  if (event.impersonatedUser) actor.impersonatedBy = event.user.username;
  if (event.sourceIPs) actor.sourceIPs = [...event.sourceIPs];
  if (event.userAgent) actor.userAgent = event.userAgent;
  return actor;
}

/** The objects (with subresources) the drift and findings are about, and the oldest managedFields time among them. */
export function requestOf(
  drift: readonly DriftEntry[],
  findings: readonly Finding[],
  resources: ResourceNames,
  objects: readonly KubeObject[],
): AuditLogRequest {
  const refs = new Map<string, AuditObjectRef>();
  const times: number[] = [];
  let untimed = false;
  const add = (
    group: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    time: string | undefined,
    subresource?: string,
  ): void => {
    const ref: AuditObjectRef = {
      group,
      resource: resources.resourceOf(group, kind),
      ...(namespace ? { namespace } : {}),
      name,
      ...(subresource ? { subresource } : {}),
    };
    refs.set(keyOf(ref), ref);
    const at = time === undefined ? Number.NaN : Date.parse(time);
    if (Number.isNaN(at)) untimed = true;
    else times.push(at);
  };
  for (const entry of drift) {
    const group = groupOf(entry.apiVersion);
    if (entry.status !== 'modified') add(group, entry.kind, entry.namespace, entry.name, entry.time);
    for (const change of entry.changes ?? [])
      add(group, entry.kind, entry.namespace, entry.name, change.time, change.subresource);
  }
  const byName = objectsByName(objects);
  for (const finding of findings) {
    if (finding.check !== 'hand-made-object') continue;
    const object = byName.get(findingKey(finding));
    const stamp = object?.metadata['creationTimestamp'];
    add(
      object ? groupOf(object.apiVersion) : '',
      finding.kind,
      finding.namespace,
      finding.name,
      typeof stamp === 'string' ? stamp : undefined,
    );
  }
  const request: AuditLogRequest = { objects: [...refs.values()] };
  if (!untimed && times.length > 0) request.since = new Date(Math.min(...times) - TIME_TOLERANCE_MS);
  return request;
}

function objectsByName(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(
    objects.map((object) => [`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, object]),
  );
}

function findingKey(finding: Pick<Finding, 'kind' | 'namespace' | 'name'>): string {
  return `${finding.kind}/${finding.namespace ?? ''}/${finding.name}`;
}

export interface Attribution {
  drift: AttributedDriftEntry[];
  matched: number;
  unmatched: number;
}

export interface FindingAttribution {
  findings: AttributedFinding[];
  matched: number;
  unmatched: number;
}

/** A hand-made object gets the create whose time is its creationTimestamp (the same second precision). */
export function attributeFindings(
  findings: readonly Finding[],
  index: AuditIndex,
  resources: ResourceNames,
  objects: readonly KubeObject[],
): FindingAttribution {
  let matched = 0;
  let unmatched = 0;
  const byName = objectsByName(objects);
  const attributed = findings.map((finding): AttributedFinding => {
    if (finding.check !== 'hand-made-object') return finding;
    const object = byName.get(findingKey(finding));
    const stamp = object?.metadata['creationTimestamp'];
    const created = typeof stamp === 'string' ? stamp : undefined;
    const group = object ? groupOf(object.apiVersion) : '';
    const ref: AuditObjectRef = {
      group,
      resource: resources.resourceOf(group, finding.kind),
      ...(finding.namespace ? { namespace: finding.namespace } : {}),
      name: finding.name,
    };
    const event = created === undefined ? undefined : findWrite(index, { ref, verbs: ['create'], time: created });
    if (!event) {
      unmatched++;
      return finding;
    }
    matched++;
    return { ...finding, actor: actorOf(event) };
  });
  return { findings: attributed, matched, unmatched };
}

/** Adds `actor` to every change, extra and missing entry whose event is found; counts what was and was not. */
export function attributeDrift(drift: readonly DriftEntry[], index: AuditIndex, resources: ResourceNames): Attribution {
  let matched = 0;
  let unmatched = 0;
  const found = (event: AuditEvent | undefined): Actor | undefined => {
    if (event) matched++;
    else unmatched++;
    return event ? actorOf(event) : undefined;
  };
  const attributed = drift.map((entry): AttributedDriftEntry => {
    const group = groupOf(entry.apiVersion);
    const ref = (subresource?: string): AuditObjectRef => ({
      group,
      resource: resources.resourceOf(group, entry.kind),
      ...(entry.namespace ? { namespace: entry.namespace } : {}),
      name: entry.name,
      ...(subresource ? { subresource } : {}),
    });
    if (entry.status === 'missing') {
      const actor = found(findDelete(index, ref()));
      return actor ? { ...entry, actor } : entry;
    }
    if (entry.status === 'extra') {
      const actor = found(
        findWrite(index, {
          ref: ref(),
          verbs: CREATE_VERBS,
          ...(entry.time ? { time: entry.time } : {}),
          ...(entry.manager ? { manager: entry.manager } : {}),
        }),
      );
      return actor ? { ...entry, actor } : entry;
    }
    const changes = entry.changes?.map((change): AttributedChange => {
      const actor = found(
        findWrite(index, {
          ref: ref(change.subresource),
          verbs: MODIFY_VERBS,
          ...(change.time ? { time: change.time } : {}),
          ...(change.manager ? { manager: change.manager } : {}),
        }),
      );
      return actor ? { ...change, actor } : change;
    });
    return changes ? { ...entry, changes } : entry;
  });
  return { drift: attributed, matched, unmatched };
}
