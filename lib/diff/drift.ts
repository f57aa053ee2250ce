import type { ListOutcome, LiveState } from '../cluster/types.ts';
import {
  CONTROL_PLANE_MANAGERS,
  SYSTEM_NAMESPACES,
  isClusterDefault,
  isClusterGenerated,
  isNamespaceDefault,
} from '../kube/builtin.ts';
import type { KubeObject, ObjectRef } from '../kube/object.ts';
import { groupOf, isPlainObject, refKey, refOf } from '../kube/object.ts';
import type { DeclaredObject } from '../source/types.ts';
import { isCrd } from './crd-schema.ts';
import type { FieldRulesCatalog } from './field-rules.ts';
import { fieldRulesCatalog } from './field-rules.ts';
import type { IgnoreRule } from './ignore.ts';
import { isObjectIgnored } from './ignore.ts';
import type { Change, HistoryMark } from './object.ts';
import { diffObject } from './object.ts';
import type { SecretDigestKey } from './secret.ts';
import type { TrustedManager } from './trust.ts';
import { DEFAULT_TRUSTED_MANAGERS, trustPolicy } from './trust.ts';
import { kindKey, objectKindKey } from '../kube/kinds.ts';

export type DriftStatus = 'modified' | 'missing' | 'extra';

export interface DriftEntry {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  status: DriftStatus;
  changes?: Change[];
  /** `unavailable` when the live object has no managedFields: hand-added fields could not be checked. */
  attribution?: 'unavailable';
  /** For an extra object: who created it and when, from managedFields. */
  manager?: string;
  time?: string;
  /** Where the declared object is, for modified and missing entries. */
  source?: { file: string; line: number };
  /** Set by the report's history step (on modified entries: the earliest of their changes). */
  history?: HistoryMark;
  firstSeen?: string;
  /** How to restore Git, or keep the change (remediation.ts). */
  remediation?: Remediation;
}

/** How to repair one drift entry, as the seed's workflow does: restore Git, or keep the change by declaring it. */
export interface Remediation {
  /** A command that restores what Git declares for this object. */
  command: string;
  /** For a change that should stay: the file of the repository that declares the object, and the JSON pointers to declare there. */
  keep?: { file: string; paths?: string[] };
}

export interface DriftResult {
  drift: DriftEntry[];
  /** Declared objects whose type could not be listed: neither confirmed nor reported missing. */
  unverified: ObjectRef[];
  /** Declared objects compared with a live twin. */
  compared: number;
  /** Of those, live objects without managedFields: hand-added fields could not be checked or attributed. */
  withoutManagedFields: number;
}

export interface DriftOptions {
  ignoreRules?: readonly IgnoreRule[];
  trustedManagers?: readonly TrustedManager[];
  /** Leave `spec.replicas` of HPA-scaled workloads out (default true). */
  ignoreHpaReplicas?: boolean;
}

/** One drift computation: the settings, and the key of this run's Secret digests (made once per run by the caller). */
export interface DriftRun extends DriftOptions {
  secretDigestKey: SecretDigestKey;
}

/** Matches declared objects with live ones and classifies every difference. Pure. */
export function computeDrift(declared: readonly DeclaredObject[], live: LiveState, options: DriftRun): DriftResult {
  const ignoreRules = options.ignoreRules ?? [];
  const trust = trustPolicy(options.trustedManagers ?? DEFAULT_TRUSTED_MANAGERS);
  const liveByKey = new Map(live.objects.map((object) => [refKey(refOf(object)), object]));
  const hpaTargets = options.ignoreHpaReplicas === false ? new Set<string>() : scaledByHpa(live.objects);
  const rules = fieldRulesInView(declared, live.objects);
  const drift: DriftEntry[] = [];
  const unverified: ObjectRef[] = [];
  let compared = 0;
  let withoutManagedFields = 0;

  for (const { object, file, line } of declared) {
    const ref = refOf(object);
    if (isObjectIgnored(ignoreRules, ref)) continue;
    const liveObject = liveByKey.get(refKey(ref));
    if (!liveObject) {
      if (wasListed(live, ref)) drift.push({ ...identity(object), status: 'missing', source: { file, line } });
      else unverified.push(ref);
      continue;
    }
    compared++;
    const ignorePointers = hpaTargets.has(refKey(ref)) ? ['/spec/replicas'] : [];
    const fieldRules = rules.forKind(ref.group, ref.kind);
    const diff = diffObject(object, liveObject, {
      trust,
      ignoreRules,
      ignorePointers,
      fieldRules,
      secretDigestKey: options.secretDigestKey,
    });
    if (!diff.attributed) withoutManagedFields++;
    if (diff.changes.length === 0) continue;
    const entry: DriftEntry = {
      ...identity(liveObject),
      status: 'modified',
      changes: diff.changes,
      source: { file, line },
    };
    if (!diff.attributed) entry.attribution = 'unavailable';
    drift.push(entry);
  }
  drift.push(...findExtras(declared, live.objects, ignoreRules));
  drift.sort(compareEntries);
  return { drift, unverified, compared, withoutManagedFields };
}

/**
 * Field rules from the built-in tables and every CRD in view (list types and schema defaults): declared CRDs (the
 * custom resources may be new to the cluster) and live ones, which win, since the live schema is the one the API
 * server merges and defaults with.
 */
function fieldRulesInView(declared: readonly DeclaredObject[], liveObjects: readonly KubeObject[]): FieldRulesCatalog {
  const byName = new Map<string, KubeObject>();
  for (const { object } of declared) if (isCrd(object)) byName.set(object.metadata.name, object);
  for (const object of liveObjects) if (isCrd(object)) byName.set(object.metadata.name, object);
  return fieldRulesCatalog([...byName.values()]);
}

function identity(object: KubeObject): Pick<DriftEntry, 'apiVersion' | 'kind' | 'namespace' | 'name'> {
  const entry: Pick<DriftEntry, 'apiVersion' | 'kind' | 'namespace' | 'name'> = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
  };
  if (object.metadata.namespace) entry.namespace = object.metadata.namespace;
  return entry;
}

/** A snapshot must hold (or say it captured) the kind; a cluster read must have listed the type (and namespace). */
function wasListed(live: LiveState, ref: ObjectRef): boolean {
  if (live.error) return false;
  if (live.listedKinds) return live.listedKinds.includes(kindKey(ref));
  if (live.lists.length === 0) return live.complete;
  return live.lists.some(
    (list: ListOutcome) =>
      list.status === 'listed' &&
      list.group === ref.group &&
      list.kind === ref.kind &&
      (list.namespace === undefined || list.namespace === ref.namespace),
  );
}

/** Keys of the workloads that a live HorizontalPodAutoscaler scales: their replicas belong to the HPA. */
function scaledByHpa(objects: readonly KubeObject[]): Set<string> {
  const targets = new Set<string>();
  for (const object of objects) {
    if (object.kind !== 'HorizontalPodAutoscaler' || groupOf(object.apiVersion) !== 'autoscaling') continue;
    const spec = object['spec'];
    const target = isPlainObject(spec) ? spec['scaleTargetRef'] : undefined;
    if (!isPlainObject(target) || typeof target['kind'] !== 'string' || typeof target['name'] !== 'string') continue;
    const group = typeof target['apiVersion'] === 'string' ? groupOf(target['apiVersion']) : 'apps';
    const ref: ObjectRef = { group, kind: target['kind'], name: target['name'] };
    if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
    targets.add(refKey(ref));
  }
  return targets;
}

/** Objects the cluster creates by itself (in every namespace, or once for the cluster), or that only mirror other objects. */
function isBuiltInDefault(object: KubeObject): boolean {
  const namespace = object.metadata.namespace;
  if (namespace === undefined) return isClusterDefault(object) || isClusterGenerated(object);
  return SYSTEM_NAMESPACES.includes(namespace) || isClusterGenerated(object) || isNamespaceDefault(object);
}

/**
 * Live objects of a declared kind, in a declared namespace (or cluster-scoped), that nobody declared, owns or created
 * by itself.
 */
function findExtras(
  declared: readonly DeclaredObject[],
  liveObjects: readonly KubeObject[],
  ignoreRules: readonly IgnoreRule[],
): DriftEntry[] {
  const declaredKeys = new Set(declared.map(({ object }) => refKey(refOf(object))));
  const declaredKinds = new Set(declared.map(({ object }) => objectKindKey(object)));
  const declaredNamespaces = new Set(
    declared.flatMap(({ object }) => (object.metadata.namespace ? [object.metadata.namespace] : [])),
  );
  const extras: DriftEntry[] = [];
  for (const object of liveObjects) {
    const ref = refOf(object);
    const scopedBy = ref.namespace ?? namespaceNamed(ref);
    if (scopedBy !== undefined && !declaredNamespaces.has(scopedBy)) continue;
    if (!declaredKinds.has(kindKey(ref)) || declaredKeys.has(refKey(ref))) continue;
    if ((object.metadata.ownerReferences ?? []).length > 0 || isBuiltInDefault(object)) continue;
    if (isObjectIgnored(ignoreRules, ref)) continue;
    if (isMadeByControlPlane(object)) continue;
    extras.push({ ...identity(object), status: 'extra', ...creator(object) });
  }
  return extras;
}

/** A Namespace is in scope as the namespace it is: another team's namespace is not this repository's extra. */
function namespaceNamed(ref: ObjectRef): string | undefined {
  return ref.group === '' && ref.kind === 'Namespace' ? ref.name : undefined;
}

/** An object written only by the control plane was made by the cluster, not by a person. */
function isMadeByControlPlane(object: KubeObject): boolean {
  const managers = (object.metadata.managedFields ?? []).map((entry) => entry.manager ?? '');
  return managers.length > 0 && managers.every((manager) => CONTROL_PLANE_MANAGERS.has(manager));
}

function creator(object: KubeObject): Pick<DriftEntry, 'manager' | 'time'> {
  const entries = [...(object.metadata.managedFields ?? [])].sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  const first = entries.find((entry) => entry.subresource === undefined || entry.subresource === '') ?? entries[0];
  if (!first?.manager) return {};
  return first.time ? { manager: first.manager, time: first.time } : { manager: first.manager };
}

function compareEntries(a: DriftEntry, b: DriftEntry): number {
  return (
    (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)
  );
}
