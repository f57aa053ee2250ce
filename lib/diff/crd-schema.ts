import type { KubeObject } from '../kube/object.ts';
import { isPlainObject } from '../kube/object.ts';
import type { ListStrategy } from './list-strategy.ts';
import { ATOMIC } from './list-strategy.ts';
import { kindKey } from '../kube/kinds.ts';

/**
 * What the CustomResourceDefinition of one custom resource kind publishes about its fields, from the structural
 * schema of its storage version: how its lists merge (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`) and
 * the values the API server fills in for fields left out (`default:`, applied on every read and write, see
 * apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm.go).
 */
export interface CrdFieldSchema {
  /**
   * The strategy of the list at `names` (field names, list steps left out, as `fieldNames()` gives them); undefined
   * when the schema does not reach the field (pruning disabled, unknown field) or it is no list.
   */
  listStrategy(names: readonly string[]): ListStrategy | undefined;
  /** The schema's `default:` of the field at `names`, wrapped; undefined when it has none. */
  defaultAt(names: readonly string[]): { value: unknown } | undefined;
}

type Schema = Record<string, unknown>;

const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

/** True for a CustomResourceDefinition in the v1 layout (`spec.versions[].schema.openAPIV3Schema`). */
export function isCrd(object: KubeObject): boolean {
  return object.apiVersion === CRD_API_VERSION && object.kind === 'CustomResourceDefinition';
}

/** The schemas of the kinds the CRDs define, by `group/Kind`; anything that is not a v1 CRD with a schema is passed over. */
export function crdFieldSchemas(crds: readonly KubeObject[]): ReadonlyMap<string, CrdFieldSchema> {
  const schemas = new Map<string, CrdFieldSchema>();
  for (const crd of crds) {
    const entry = storageSchema(crd);
    if (entry) schemas.set(kindKey(entry), fieldSchemaOf(entry.schema));
  }
  return schemas;
}

function fieldSchemaOf(root: Schema): CrdFieldSchema {
  return {
    listStrategy(names) {
      const node = schemaAt(root, names);
      return node && strategyOf(node);
    },
    defaultAt(names) {
      const node = schemaAt(root, names);
      return node && 'default' in node ? { value: node['default'] } : undefined;
    },
  };
}

/**
 * The root schema of the CRD's storage version: every version of a CRD describes the same stored object, and the
 * storage one is what the API server merges with, so its list types are the ones live objects follow.
 */
function storageSchema(crd: KubeObject): { group: string; kind: string; schema: Schema } | undefined {
  if (!isCrd(crd)) return undefined;
  const spec = crd['spec'];
  if (!isPlainObject(spec) || typeof spec['group'] !== 'string') return undefined;
  const names = spec['names'];
  const kind = isPlainObject(names) ? names['kind'] : undefined;
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isPlainObject) : [];
  const version =
    versions.find((candidate) => candidate['storage'] === true) ??
    versions.find((candidate) => candidate['served'] === true);
  const holder = version?.['schema'];
  const schema = isPlainObject(holder) ? holder['openAPIV3Schema'] : undefined;
  if (typeof kind !== 'string' || !isPlainObject(schema)) return undefined;
  return { group: spec['group'], kind, schema };
}

/** Walks field names down the schema; list steps are implicit, so an array's `items` are entered on the way. */
function schemaAt(root: Schema, fieldPath: readonly string[]): Schema | undefined {
  let node: Schema | undefined = root;
  for (const name of fieldPath) {
    if (!node) return undefined;
    node = fieldSchema(elementSchema(node), name);
  }
  return node;
}

/** The schema of an array's items (nested arrays included), or the node itself when it is no array. */
function elementSchema(node: Schema): Schema {
  let current = node;
  while (isPlainObject(current['items'])) current = current['items'];
  return current;
}

/**
 * A named field's schema, or a map value's (`additionalProperties`). A field the schema does not list is unknown
 * (kept by `x-kubernetes-preserve-unknown-fields`, or invalid): its lists have no published strategy.
 */
function fieldSchema(node: Schema, name: string): Schema | undefined {
  const properties = node['properties'];
  if (isPlainObject(properties)) {
    const property = properties[name];
    return isPlainObject(property) ? property : undefined;
  }
  const additional = node['additionalProperties'];
  return isPlainObject(additional) ? additional : undefined;
}

/** The strategy an array schema declares; arrays without `x-kubernetes-list-type` are atomic, as on the server. */
function strategyOf(node: Schema): ListStrategy | undefined {
  if (node['type'] !== 'array' && !isPlainObject(node['items'])) return undefined;
  const listType = node['x-kubernetes-list-type'];
  if (listType === 'set') return { type: 'set' };
  if (listType === 'map') {
    const keys = mapKeys(node['x-kubernetes-list-map-keys']);
    // A map list without keys is rejected by the API server; comparing it whole is the safe reading.
    return keys ? { type: 'keyed', keys, defaults: {} } : ATOMIC;
  }
  return ATOMIC;
}

function mapKeys(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const keys = value.filter((key): key is string => typeof key === 'string');
  return keys.length === value.length ? keys : undefined;
}
