import type { KubeObject } from '../kube/object.ts';
import { isPlainObject, refOf } from '../kube/object.ts';
import type { RawChange } from './compare.ts';
import { compareObjects } from './compare.ts';
import type { FieldRules } from './field-rules.ts';
import { BUILT_IN_FIELD_RULES } from './field-rules.ts';
import type { IgnoreRule } from './ignore.ts';
import { pathIgnorer } from './ignore.ts';
import { buildOwnership } from './ownership.ts';
import type { Path } from './path.ts';
import { toPointer } from './path.ts';
import type { SecretDigestKey } from './secret.ts';
import { canonicalSecret, isSecret, isSecretPlainPath, redactSecretValue } from './secret.ts';
import { LAST_APPLIED_ANNOTATION, SERVER_SET_ANNOTATIONS } from './server-set.ts';
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
  /**
   * The field rules of the object's kind (`FieldRulesCatalog.forKind`, with the CRDs in view); the built-in tables
   * alone when absent (lists of custom resources then compare whole).
   */
  fieldRules?: FieldRules;
  /** The key of this run's Secret digests (secret.ts); required to compare a Secret. */
  secretDigestKey?: SecretDigestKey;
}

/** Compares one declared object with its live counterpart. Pure: no I/O, inputs are not modified. */
export function diffObject(declared: KubeObject, live: KubeObject, options: DiffOptions): ObjectDiff {
  const secret = isSecret(declared);
  const digestKey = options.secretDigestKey;
  // A Secret's values never leave unredacted; without the run's key there is no way to redact them.
  if (secret && digestKey === undefined)
    throw new Error("diffObject: comparing a Secret needs the run's secretDigestKey");
  const lastApplied = parseLastApplied(live);
  // Server-set annotations leave both sides before the walk: last-applied holds a Secret's values in clear text.
  const declaredForm = secret
    ? canonicalSecret(withoutServerAnnotations(declared))
    : withoutServerAnnotations(declared);
  const liveForm = secret ? canonicalSecret(withoutServerAnnotations(live)) : withoutServerAnnotations(live);
  const ownership = buildOwnership(live.metadata.managedFields);
  const ref = refOf(declared);
  const raw = compareObjects(declaredForm, liveForm, {
    rules: options.fieldRules ?? BUILT_IN_FIELD_RULES.forKind(ref.group, declared.kind),
    trust: options.trust,
    ...(ownership ? { ownership } : {}),
    ...(lastApplied === undefined ? {} : { lastApplied: secret ? canonicalSecret(lastApplied) : lastApplied }),
    isIgnored: pathIgnorer(options.ignoreRules, ref, [
      ...(options.ignorePointers ?? []),
      ...controllerOwnedPointers(declared),
    ]),
  });
  const redact =
    secret && digestKey
      ? (value: unknown, path: Path) => (isSecretPlainPath(path) ? value : redactSecretValue(value, path, digestKey))
      : undefined;
  return { changes: raw.map((change) => toChange(change, redact)), attributed: ownership !== undefined };
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

/** In a Secret, only a few fields are shown as they are; every other value is digested, annotations included. */
type Redaction = (value: unknown, path: Path) => unknown;

function toChange(raw: RawChange, redact: Redaction | undefined): Change {
  const change: Change = { path: toPointer(raw.path), reason: raw.reason };
  if (raw.declared !== undefined) change.declared = redact ? redact(raw.declared, raw.path) : raw.declared;
  if (raw.live !== undefined) change.live = redact ? redact(raw.live, raw.path) : raw.live;
  if (raw.owner) {
    change.manager = raw.owner.manager;
    change.operation = raw.owner.operation;
    if (raw.owner.subresource) change.subresource = raw.owner.subresource;
    if (raw.owner.time) change.time = raw.owner.time;
  }
  return change;
}
