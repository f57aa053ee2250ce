import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../kube/object.ts';
import type { KindDefaults } from './builtin-defaults.ts';
import { builtInDefaults, defaultRuleAt } from './builtin-defaults.ts';
import { builtInListStrategy } from './builtin-lists.ts';
import type { CrdFieldSchema } from './crd-schema.ts';
import { crdFieldSchemas } from './crd-schema.ts';
import { kindKey } from '../kube/kinds.ts';
import type { ListStrategy } from './list-strategy.ts';
import { ATOMIC } from './list-strategy.ts';
import type { FieldPlace } from './path.ts';
import { isLiveOnlyExempt, isServerSet } from './server-set.ts';

/**
 * Everything the walk (compare.ts) knows about the fields of one kind, as one value passed in `CompareOptions`.
 * Built once per kind from rule sets, the way Argo CD gitops-engine composes its normalizers (a list of them, each
 * knowing some types, applied together): the built-in tables first, then what the kind's CRD publishes.
 */
export interface FieldRules {
  /** Never compared, on either side: status, server-set metadata and annotations. */
  isServerSet(place: FieldPlace): boolean;
  /** A live-only field that is not a hand-made change whoever wrote it: allocations, applier bookkeeping. */
  isLiveOnlyExempt(place: FieldPlace): boolean;
  /** True when `value` is what the server fills in at `place` when the field is left out (`parent` holds it). */
  isDefault(place: FieldPlace, value: unknown, parent: Readonly<Record<string, unknown>>): boolean;
  /** How the list at `place` merges; atomic when no rule set says otherwise, as on the server. */
  listStrategy(place: FieldPlace): ListStrategy;
}

/** One source of field rules; each part answers for what it knows and leaves the rest to the other sets. */
export interface FieldRuleSet {
  isServerSet?(place: FieldPlace): boolean;
  isLiveOnlyExempt?(place: FieldPlace): boolean;
  /** The default at `place`, wrapped (a default may itself be null or false); undefined when this set has none. */
  defaultAt?(place: FieldPlace, parent: Readonly<Record<string, unknown>>): { value: unknown } | undefined;
  listStrategy?(place: FieldPlace): ListStrategy | undefined;
}

/**
 * Rule sets into one `FieldRules`: a field is server-set, exempt or a default when any set says so; a list's strategy
 * is the first set's that has one.
 */
export function composeFieldRules(sets: readonly FieldRuleSet[]): FieldRules {
  const serverSet = sets.flatMap((set) => (set.isServerSet ? [set.isServerSet.bind(set)] : []));
  const exempt = sets.flatMap((set) => (set.isLiveOnlyExempt ? [set.isLiveOnlyExempt.bind(set)] : []));
  const defaults = sets.flatMap((set) => (set.defaultAt ? [set.defaultAt.bind(set)] : []));
  const lists = sets.flatMap((set) => (set.listStrategy ? [set.listStrategy.bind(set)] : []));
  return {
    isServerSet: (place) => serverSet.some((rule) => rule(place)),
    isLiveOnlyExempt: (place) => exempt.some((rule) => rule(place)),
    isDefault: (place, value, parent) =>
      defaults.some((rule) => {
        const found = rule(place, parent);
        return found !== undefined && sameValue(found.value, value);
      }),
    listStrategy: (place) => {
      for (const rule of lists) {
        const strategy = rule(place);
        if (strategy) return strategy;
      }
      return ATOMIC;
    },
  };
}

/** A default and a live value: equal by structure, whatever order the server writes an object's keys in. */
function sameValue(expected: unknown, value: unknown): boolean {
  return isDeepStrictEqual(expected, value);
}

/** The built-in tables for one kind: server-set.ts, builtin-defaults.ts, builtin-lists.ts. */
export function builtInRuleSet(group: string, kind: string): FieldRuleSet {
  const defaults: KindDefaults = builtInDefaults(kindKey({ group, kind }));
  return {
    isServerSet,
    isLiveOnlyExempt: (place) => isLiveOnlyExempt(group, kind, place),
    defaultAt: (place, parent) => {
      const rule = defaultRuleAt(defaults, place.names.join('.'));
      return rule ? { value: rule(parent) } : undefined;
    },
    listStrategy: (place) => builtInListStrategy(group, kind, place.names),
  };
}

/** What a CRD's schema says about its kind's fields: list types and `default:` values. */
export function crdRuleSet(schema: CrdFieldSchema): FieldRuleSet {
  return {
    defaultAt: (place) => schema.defaultAt(place.names),
    listStrategy: (place) => schema.listStrategy(place.names),
  };
}

/** The field rules of every kind in view, built once per kind on first use. */
export interface FieldRulesCatalog {
  forKind(group: string, kind: string): FieldRules;
}

/**
 * The catalog for one audit: the built-in tables, plus the CRDs in view (declared ones, for custom resources new to
 * the cluster, and live ones; give the live ones last, they win: the live schema is the one the API server uses).
 */
export function fieldRulesCatalog(crds: readonly KubeObject[] = []): FieldRulesCatalog {
  const schemas = crdFieldSchemas(crds);
  const byKind = new Map<string, FieldRules>();
  return {
    forKind(group, kind) {
      const key = kindKey({ group, kind });
      let rules = byKind.get(key);
      if (!rules) {
        const schema = schemas.get(key);
        rules = composeFieldRules(
          schema ? [builtInRuleSet(group, kind), crdRuleSet(schema)] : [builtInRuleSet(group, kind)],
        );
        byKind.set(key, rules);
      }
      return rules;
    },
  };
}

/** The built-in rules alone, for objects compared without CRDs in view. */
export const BUILT_IN_FIELD_RULES: FieldRulesCatalog = fieldRulesCatalog();
