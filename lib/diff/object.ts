import type { KubeObject } from '../kube/object.ts';
import { isPlainObject, refOf } from '../kube/object.ts';
import type { RawChange } from './compare.ts';
import { compareObjects } from './compare.ts';
import type { CrdListLookup } from './crd-lists.ts';
import type { IgnoreRule } from './ignore.ts';
import { pathIgnorer } from './ignore.ts';
import { LAST_APPLIED_ANNOTATION, SERVER_SET_ANNOTATIONS } from './normalize.ts';
import { buildOwnership } from './ownership.ts';
import type { Path } from './path.ts';
import { toPointer } from './path.ts';
import { canonicalSecret, isSecret, isSecretPlainPath, redactSecretValue } from './secret.ts';
import type { TrustPolicy } from './trust.ts';

/** One drifted field, as it appears in the report. */
export interface Change {
  /** JSON pointer; list items by index or by key segment (`/spec/template/spec/containers/name=web/image`). */
  path: string;
  reason: RawChange['reason'];
  declared?: unknown;
  live?: unknown;
  /** The field manager that last wrote the live value, from managedFields. */
  manager?: string;
  operation?: string;
  subresource?: string;
  /** When that manager last wrote the object. */
  time?: string;
  /** Set by the report's history step: first seen in this run, or seen before (since `firstSeen`). */
  history?: HistoryMark;
  firstSeen?: string;
}

export type HistoryMark = 'new' | 'persisting';

export interface ObjectDiff {
  changes: Change[];
  /** False when the live object carries no managedFields: hand-added fields could not be detected or attributed. */
  attributed: boolean;
}

export interface DiffOptions {
  trust: TrustPolicy;
  ignoreRules: readonly IgnoreRule[];
  /** Extra JSON pointers to leave out for this object (e.g. `/spec/replicas` under an HPA). */
  ignorePointers?: readonly string[];
  /** List types published by the CRDs in view; without it, lists of custom resources compare whole. */
  crdLists?: CrdListLookup;
}

/** Compares one declared object with its live counterpart. Pure: no I/O, inputs are not modified. */
export function diffObject(declared: KubeObject, live: KubeObject, options: DiffOptions): ObjectDiff {
  const secret = isSecret(declared);
  const lastApplied = parseLastApplied(live);
  // Server-set annotations leave both sides before the walk: last-applied holds a Secret's values in clear text.
  const declaredForm = secret ? canonicalSecret(withoutServerAnnotations(declared)) : withoutServerAnnotations(declared);
  const liveForm = secret ? canonicalSecret(withoutServerAnnotations(live)) : withoutServerAnnotations(live);
  const ownership = buildOwnership(live.metadata.managedFields);
  const raw = compareObjects(declaredForm, liveForm, {
    group: refOf(declared).group,
    kind: declared.kind,
    trust: options.trust,
    ...(ownership ? { ownership } : {}),
    ...(lastApplied === undefined ? {} : { lastApplied: secret ? canonicalSecret(lastApplied) : lastApplied }),
    isIgnored: pathIgnorer(options.ignoreRules, refOf(declared), [...(options.ignorePointers ?? []), ...controllerOwnedPointers(declared)]),
    ...(options.crdLists ? { crdLists: options.crdLists } : {}),
  });
  return { changes: raw.map((change) => toChange(change, secret)), attributed: ownership !== undefined };
}

/** The last-applied annotation as an object, when it is one (anything else is not an applier's record). */
function parseLastApplied(live: KubeObject): KubeObject | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isPlainObject(parsed) && isPlainObject(parsed['metadata']) ? (parsed as KubeObject) : undefined;
  } catch {
    return undefined;
  }
}

function withoutServerAnnotations(object: KubeObject): KubeObject {
  const annotations = object.metadata.annotations;
  if (!isPlainObject(annotations)) return object;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([name]) => !SERVER_SET_ANNOTATIONS.has(name)));
  return { ...object, metadata: { ...object.metadata, annotations: kept } };
}

/** Fields a controller fills from the declared object: an aggregated ClusterRole's rules. */
function controllerOwnedPointers(declared: KubeObject): string[] {
  const aggregated = declared.kind === 'ClusterRole' && isPlainObject(declared['aggregationRule']);
  return aggregated ? ['/rules'] : [];
}

function toChange(raw: RawChange, secret: boolean): Change {
  const change: Change = { path: toPointer(raw.path), reason: raw.reason };
  if (raw.declared !== undefined) change.declared = shown(raw.declared, raw.path, secret);
  if (raw.live !== undefined) change.live = shown(raw.live, raw.path, secret);
  if (raw.owner) {
    change.manager = raw.owner.manager;
    change.operation = raw.owner.operation;
    if (raw.owner.subresource) change.subresource = raw.owner.subresource;
    if (raw.owner.time) change.time = raw.owner.time;
  }
  return change;
}

/** In a Secret, only a few fields are shown as they are; every other value is digested, annotations included. */
function shown(value: unknown, path: Path, secret: boolean): unknown {
  return secret && !isSecretPlainPath(path) ? redactSecretValue(value, path) : value;
}
