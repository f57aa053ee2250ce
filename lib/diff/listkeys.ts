import type { CrdListLookup } from './crd-lists.ts';
import type { Path } from './path.ts';
import { fieldNames } from './path.ts';

/**
 * How a list is merged by the API server, after the `x-kubernetes-list-type` / patch merge keys of the built-in types:
 * keyed lists match items by their merge key, sets by value, atomic lists compare whole.
 */
export type ListStrategy =
  | { type: 'keyed'; keys: readonly string[]; defaults: Readonly<Record<string, string>> }
  | { type: 'set' }
  | { type: 'atomic' };

const NO_DEFAULTS: Readonly<Record<string, string>> = {};
const TCP_DEFAULT: Readonly<Record<string, string>> = { protocol: 'TCP' };

function keyed(keys: readonly string[], defaults = NO_DEFAULTS): ListStrategy {
  return { type: 'keyed', keys, defaults };
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Lists keyed the same wherever they appear (pod specs inside any workload, CronJob templates, ...). */
const KEYED_BY_FIELD: Readonly<Record<string, ListStrategy>> = {
  containers: keyed(['name']),
  initContainers: keyed(['name']),
  ephemeralContainers: keyed(['name']),
  env: keyed(['name']),
  volumes: keyed(['name']),
  volumeMounts: keyed(['mountPath']),
  volumeDevices: keyed(['devicePath']),
  imagePullSecrets: keyed(['name']),
  hostAliases: keyed(['ip']),
  resourceClaims: keyed(['name']),
  readinessGates: keyed(['conditionType']),
  topologySpreadConstraints: keyed(['topologyKey', 'whenUnsatisfiable']),
};

/**
 * The strategy for the list at `path` inside an object of `group`/`kind`: the built-in rules first, then what the
 * custom resource's CRD publishes (when one is in view), else atomic, the server's own default for unmarked lists.
 */
export function listStrategy(group: string, kind: string, path: Path, crdLists?: CrdListLookup): ListStrategy {
  const names = fieldNames(path);
  return builtInStrategy(group, kind, names) ?? crdLists?.strategy(group, kind, names) ?? { type: 'atomic' };
}

/** The merge rule of the built-in types for a list; undefined when none applies. */
function builtInStrategy(group: string, kind: string, names: readonly string[]): ListStrategy | undefined {
  const field = names[names.length - 1];
  const parent = names[names.length - 2];
  if (field === undefined) return undefined;
  if (field === 'finalizers' && parent === 'metadata') return { type: 'set' };
  if (field === 'ports') return portsStrategy(group, kind, names, parent);
  if (field === 'webhooks' && group === 'admissionregistration.k8s.io' && names.length === 1) return keyed(['name']);
  if (field === 'secrets' && group === '' && kind === 'ServiceAccount' && names.length === 1) return keyed(['name']);
  if (field === 'versions' && group === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition') return keyed(['name']);
  return KEYED_BY_FIELD[field];
}

function portsStrategy(group: string, kind: string, names: readonly string[], parent: string | undefined): ListStrategy | undefined {
  if (parent !== undefined && CONTAINER_LISTS.has(parent)) return keyed(['containerPort', 'protocol'], TCP_DEFAULT);
  if (group === '' && kind === 'Service' && names.length === 2 && parent === 'spec') return keyed(['port', 'protocol'], TCP_DEFAULT);
  return undefined;
}

type KeyValue = string | number | boolean;

/** The merge-key values of a list item, defaults filled in; undefined when the item lacks a key field. */
export function itemKey(
  item: unknown,
  strategy: Extract<ListStrategy, { type: 'keyed' }>,
): Record<string, KeyValue> | undefined {
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
