import type { KubeObject } from '../kube/object.ts';
import { subjectOf } from './context.ts';
import { record, records, text } from './field-readers.ts';
import type { Subject } from './finding.ts';

export interface OwnerIndex {
  byUid: Map<string, KubeObject>;
  byName: Map<string, KubeObject>;
}

export function ownerIndex(objects: readonly KubeObject[]): OwnerIndex {
  const index: OwnerIndex = { byUid: new Map(), byName: new Map() };
  for (const object of objects) {
    const uid = text(object.metadata['uid']);
    if (uid !== undefined) index.byUid.set(uid, object);
    index.byName.set(nameKey(object.kind, object.metadata.namespace, object.metadata.name), object);
  }
  return index;
}

function nameKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

interface OwnerRef {
  kind: string;
  name: string;
  uid?: string;
}

/** The controller reference (or the first one): the object that recreates this one. */
function controllerOf(object: KubeObject): OwnerRef | undefined {
  const references = records(object.metadata.ownerReferences);
  const chosen = references.find((reference) => reference['controller'] === true) ?? references[0];
  const kind = text(chosen?.['kind']);
  const name = text(chosen?.['name']);
  if (kind === undefined || name === undefined) return undefined;
  const uid = text(chosen?.['uid']);
  return uid === undefined ? { kind, name } : { kind, name, uid };
}

/** The only second hops followed: a ReplicaSet's Deployment and a Job's CronJob. Other owners (operators' CRs) stay out. */
const PARENT_KIND: Readonly<Record<string, string>> = { ReplicaSet: 'Deployment', Job: 'CronJob' };

/**
 * The workload a pod belongs to: its controller, and that controller's Deployment or CronJob when listed.
 * When the ReplicaSet is not listed, its Deployment is recognised by the `pod-template-hash` suffix the
 * Deployment controller gives it. Bare and static (Node-owned) pods are their own workload.
 */
export function workloadOf(pod: KubeObject, index: OwnerIndex): Subject {
  const namespace = pod.metadata.namespace;
  const reference = controllerOf(pod);
  if (reference === undefined || reference.kind === 'Node') return subjectOf(pod);
  const owner = lookup(reference, namespace, index);
  if (owner === undefined) return unlistedOwner(reference, pod);
  const parent = controllerOf(owner);
  if (parent === undefined || PARENT_KIND[owner.kind] !== parent.kind) return subjectOf(owner);
  return withNamespace({ kind: parent.kind, name: parent.name }, namespace);
}

function lookup(reference: OwnerRef, namespace: string | undefined, index: OwnerIndex): KubeObject | undefined {
  const byUid = reference.uid === undefined ? undefined : index.byUid.get(reference.uid);
  return byUid ?? index.byName.get(nameKey(reference.kind, namespace, reference.name));
}

function unlistedOwner(reference: OwnerRef, pod: KubeObject): Subject {
  const namespace = pod.metadata.namespace;
  const hash = text(record(pod.metadata.labels)?.['pod-template-hash']);
  const suffix = `-${hash ?? ''}`;
  if (
    reference.kind === 'ReplicaSet' &&
    hash !== undefined &&
    reference.name.endsWith(suffix) &&
    reference.name.length > suffix.length
  ) {
    return withNamespace({ kind: 'Deployment', name: reference.name.slice(0, -suffix.length) }, namespace);
  }
  return withNamespace({ kind: reference.kind, name: reference.name }, namespace);
}

function withNamespace(subject: Subject, namespace: string | undefined): Subject {
  return namespace ? { ...subject, namespace } : subject;
}
