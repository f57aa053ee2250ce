import { createHmac, randomBytes } from 'node:crypto';
import { isPlainObject } from '../kube/object.ts';
import type { Path } from './path.ts';
import { fieldNames, lastField } from './path.ts';
import { quantitiesEqual } from './quantity.ts';

/** Fields the API server sets or the appliers use for bookkeeping: never compared, on either side. */
const SERVER_SET_METADATA = new Set([
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'name', 'namespace', 'generateName',
]);
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const SERVER_SET_ANNOTATIONS: ReadonlySet<string> = new Set([LAST_APPLIED_ANNOTATION, 'deployment.kubernetes.io/revision']);

/** Applier bookkeeping (Argo CD tracking, Helm and Flux ownership marks, kapp): not drift when only live. */
const BOOKKEEPING_MARKS = [
  /^argocd\.argoproj\.io\//,
  /^app\.kubernetes\.io\/instance$/,
  /^app\.kubernetes\.io\/managed-by$/,
  /^meta\.helm\.sh\//,
  /^helm\.sh\/chart$/,
  /^helm\.toolkit\.fluxcd\.io\//,
  /^kustomize\.toolkit\.fluxcd\.io\//,
  /^kapp\.k14s\.io\//,
];

/** Values the server allocates when a Service is created. */
const SERVICE_ALLOCATED = new Set(['spec.clusterIP', 'spec.clusterIPs', 'spec.ipFamilies', 'spec.ipFamilyPolicy', 'spec.healthCheckNodePort', 'spec.ports.nodePort']);

/** True for a path that is never compared: status and server-set metadata. */
export function isServerSet(path: Path): boolean {
  const names = fieldNames(path);
  if (path.length === 1 && names[0] === 'status') return true;
  if (path.length === 2 && names[0] === 'metadata') return SERVER_SET_METADATA.has(names[1] ?? '');
  if (path.length === 3 && names[0] === 'metadata' && names[1] === 'annotations') {
    return SERVER_SET_ANNOTATIONS.has(names[2] ?? '');
  }
  return false;
}

/** True for a live-only path that is not a hand-made change whoever wrote it: allocations and applier bookkeeping. */
export function isLiveOnlyExempt(group: string, kind: string, path: Path): boolean {
  const names = fieldNames(path);
  if (group === '' && kind === 'Service' && SERVICE_ALLOCATED.has(names.join('.'))) return true;
  if (names[0] === 'metadata' && names[1] === 'ownerReferences') return true;
  const metaIndex = names.lastIndexOf('metadata');
  const markKind = names[metaIndex + 1];
  const mark = names[metaIndex + 2];
  if (metaIndex >= 0 && (markKind === 'labels' || markKind === 'annotations') && mark !== undefined && names.length === metaIndex + 3) {
    return BOOKKEEPING_MARKS.some((pattern) => pattern.test(mark));
  }
  return false;
}

const INT_OR_STRING_FIELDS = new Set(['targetPort', 'port', 'maxSurge', 'maxUnavailable', 'minAvailable', 'partition']);
const QUANTITY_PARENTS = new Set(['limits', 'requests', 'hard', 'capacity', 'allocatable', 'overhead', 'default', 'defaultRequest', 'max', 'min']);
const QUANTITY_FIELDS = new Set(['storage', 'sizeLimit', 'divisor', 'averageValue']);

/** Scalar equality as the API server sees it: quantities by amount, int-or-string fields by text. */
export function scalarsEqual(declared: unknown, live: unknown, path: Path): boolean {
  if (declared === live) return true;
  const names = fieldNames(path);
  const field = lastField(path) ?? '';
  const parent = names[names.length - 2] ?? '';
  if (QUANTITY_PARENTS.has(parent) || QUANTITY_FIELDS.has(field)) return quantitiesEqual(declared, live);
  if (INT_OR_STRING_FIELDS.has(field)) return isIntOrString(declared) && isIntOrString(live) && String(declared) === String(live);
  return false;
}

function isIntOrString(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

/** null, an empty map or an empty list: declared this way it means the same as absent. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/**
 * Keyed with a random key per process: a plain hash of a short password could be reversed with a dictionary. Within
 * one run (one report) equal values still give equal digests, which is all a reader needs to see that they differ.
 */
const DIGEST_KEY = randomBytes(32);

/** A short, non-reversible stand-in for a Secret value: enough to see that two values differ, nothing more. */
export function secretDigest(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return `hmac-sha256:${createHmac('sha256', DIGEST_KEY).update(text).digest('hex').slice(0, 12)}`;
}
