/**
 * How a list is merged by the API server, after the `x-kubernetes-list-type` / patch merge keys of the built-in types
 * and the CRDs: keyed lists match items by their merge key, sets by value, atomic lists compare whole. Both sources
 * of list rules (builtin-lists.ts, crd-schema.ts) produce this type; neither imports the other.
 */
export type ListStrategy = KeyedStrategy | { type: 'set' } | { type: 'atomic' };

export interface KeyedStrategy {
  type: 'keyed';
  keys: readonly string[];
  /** Key values the server fills in when an item leaves them out (a container port's protocol TCP). */
  defaults: Readonly<Record<string, string>>;
}

export const ATOMIC: ListStrategy = { type: 'atomic' };

type KeyValue = string | number | boolean;

/** The merge-key values of a list item, defaults filled in; undefined when the item lacks a key field. */
export function itemKey(item: unknown, strategy: KeyedStrategy): Record<string, KeyValue> | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const key: Record<string, KeyValue> = {};
  for (const field of strategy.keys) {
    const value = record[field] ?? strategy.defaults[field];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    key[field] = value;
  }
  return key;
}

/** Compares key values loosely: `80` = `"80"`, since YAML authors and the server may type a port differently. */
export function sameKey(a: Record<string, KeyValue>, b: Record<string, unknown>): boolean {
  return Object.entries(a).every(([field, value]) => String(b[field]) === String(value));
}
