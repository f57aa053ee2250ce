import type { KubeObject } from '../kube/object.ts';
import { refOf } from '../kube/object.ts';
import type { RawChange } from './compare.ts';
import { compareObjects } from './compare.ts';
import type { IgnoreRule } from './ignore.ts';
import { pathIgnorer } from './ignore.ts';
import { buildOwnership } from './ownership.ts';
import type { Path } from './path.ts';
import { toPointer } from './path.ts';
import { canonicalSecret, isSecret, isSecretValuePath, redactSecretValue } from './secret.ts';
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
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Compares one declared object with its live counterpart. Pure: no I/O, inputs are not modified. */
export function diffObject(declared: KubeObject, live: KubeObject, options: DiffOptions): ObjectDiff {
  const secret = isSecret(declared);
  const declaredForm = secret ? canonicalSecret(declared) : declared;
  const liveForm = secret ? canonicalSecret(live) : live;
  const ownership = buildOwnership(live.metadata.managedFields);
  const lastApplied = parseLastApplied(live);
  const raw = compareObjects(declaredForm, liveForm, {
    group: refOf(declared).group,
    kind: declared.kind,
    trust: options.trust,
    ...(ownership ? { ownership } : {}),
    ...(lastApplied === undefined ? {} : { lastApplied: secret ? canonicalSecret(lastApplied as KubeObject) : lastApplied }),
    isIgnored: pathIgnorer(options.ignoreRules, refOf(declared), options.ignorePointers),
  });
  return { changes: raw.map((change) => toChange(change, secret)), attributed: ownership !== undefined };
}

function parseLastApplied(live: KubeObject): unknown {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
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

function shown(value: unknown, path: Path, secret: boolean): unknown {
  return secret && isSecretValuePath(path) ? redactSecretValue(value, path) : value;
}
