import type { GroupKind } from './kinds.ts';
import { groupOf, kindKey } from './kinds.ts';

/** A Kubernetes object as read from YAML/JSON: only the identity fields are typed, the rest stays open. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: unknown[];
  managedFields?: ManagedFieldsEntry[];
  [field: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update' | string;
  apiVersion?: string;
  time?: string | null;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** Identity used to pair declared and live objects: the API version is ignored (apps/v1beta1 = apps/v1). */
export interface ObjectRef extends GroupKind {
  namespace?: string;
  name: string;
}

export { groupOf } from './kinds.ts';

export function refOf(object: KubeObject): ObjectRef {
  const ref: ObjectRef = { group: groupOf(object.apiVersion), kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
  return ref;
}

/** A stable string key for an object: `kindKey/namespace/name`, i.e. `group/Kind/namespace/name` (empty namespace for cluster-scoped). */
export function refKey(ref: ObjectRef): string {
  return `${kindKey(ref)}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Human form used in messages: `Deployment shop/web`. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a parsed document looks like a Kubernetes object (apiVersion, kind and metadata.name). */
export function isKubeObject(value: unknown): value is KubeObject {
  if (!isPlainObject(value)) return false;
  const metadata = value['metadata'];
  return (
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isPlainObject(metadata) &&
    typeof metadata['name'] === 'string'
  );
}
