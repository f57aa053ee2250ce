import { createHmac } from 'node:crypto';
import { isPlainObject } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import type { Path } from './path.ts';

/**
 * The key of a run's Secret digests. Keyed, since a plain hash of a short password could be reversed with a
 * dictionary; random and made once per run by the caller (the pipeline's `auditCluster`, the CLI's `render`), so
 * within one run (one report) equal values still give equal digests, which is all a reader needs to see that they
 * differ. The diff itself stays pure: the key is an input.
 */
export type SecretDigestKey = Uint8Array;

/** A short, non-reversible stand-in for a Secret value: enough to see that two values differ, nothing more. */
export function secretDigest(value: unknown, key: SecretDigestKey): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return `hmac-sha256:${createHmac('sha256', key).update(text).digest('hex').slice(0, 12)}`;
}

export function isSecret(object: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return object.kind === 'Secret' && object.apiVersion === 'v1';
}

/**
 * Brings a Secret to one form before comparing: `stringData` folded into `data` as base64 (the API server does the
 * same on write), and every `data` value re-encoded canonically so that equal bytes compare equal; a null value
 * is the empty value.
 */
export function canonicalSecret(object: KubeObject): KubeObject {
  const data: Record<string, string> = {};
  const rawData = object['data'];
  if (isPlainObject(rawData)) {
    for (const [key, value] of Object.entries(rawData)) data[key] = canonicalBase64(value);
  }
  const stringData = object['stringData'];
  if (isPlainObject(stringData)) {
    for (const [key, value] of Object.entries(stringData)) {
      data[key] = Buffer.from(value === null || value === undefined ? '' : String(value), 'utf8').toString('base64');
    }
  }
  const { stringData: _folded, ...rest } = object;
  return Object.keys(data).length > 0 || 'data' in object ? { ...rest, data } : rest;
}

function canonicalBase64(value: unknown): string {
  if (value === null || value === undefined) return '';
  return Buffer.from(String(value), 'base64').toString('base64');
}

function fieldAt(path: Path, index: number): string | undefined {
  const segment = path[index];
  return segment && 'field' in segment ? segment.field : undefined;
}

/**
 * The few Secret fields shown as they are: type, immutable, labels and finalizers. Everything else (data, stringData,
 * annotations, unknown fields) may carry a value copied by some tool and is digested.
 */
export function isSecretPlainPath(path: Path): boolean {
  const first = fieldAt(path, 0);
  if (first === 'type' || first === 'immutable') return path.length === 1;
  if (first !== 'metadata') return false;
  const second = fieldAt(path, 1);
  return (second === 'labels' && path.length === 3) || second === 'finalizers';
}

function isDataPath(path: Path): boolean {
  const first = fieldAt(path, 0);
  return first === 'data' || first === 'stringData';
}

/**
 * Replaces Secret values by digests: data by the digest of its decoded bytes (so declared stringData and live data
 * compare), anything else by the digest of the text. A changed value shows as a changed digest, nothing more.
 */
export function redactSecretValue(value: unknown, path: Path, key: SecretDigestKey): unknown {
  if (value === undefined) return undefined;
  const digestLeaf = isDataPath(path)
    ? (leaf: unknown) => digestOfEncoded(leaf, key)
    : (leaf: unknown) => secretDigest(leaf, key);
  return digestDeep(value, digestLeaf);
}

function digestDeep(value: unknown, digestLeaf: (leaf: unknown) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => digestDeep(item, digestLeaf));
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, digestDeep(entry, digestLeaf)]));
  return digestLeaf(value);
}

function digestOfEncoded(value: unknown, key: SecretDigestKey): string {
  if (typeof value !== 'string') return secretDigest(value, key);
  return secretDigest(Buffer.from(value, 'base64').toString('latin1'), key);
}

/**
 * A declared Secret fit to print (`driftwatch render`): identity, labels, type and immutable as they are; every data
 * value and annotation replaced by its digest, anything else left out. Values never leave the process.
 */
export function maskedSecret(object: KubeObject, key: SecretDigestKey): KubeObject {
  const canonical = canonicalSecret(object);
  const { name, namespace, labels, annotations } = object.metadata;
  const metadata: KubeObject['metadata'] = { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) };
  if (isPlainObject(annotations)) {
    metadata.annotations = Object.fromEntries(
      Object.entries(annotations).map(([name, value]) => [name, secretDigest(value, key)]),
    );
  }
  const masked: KubeObject = { apiVersion: object.apiVersion, kind: object.kind, metadata };
  if (object['type'] !== undefined) masked['type'] = object['type'];
  if (object['immutable'] !== undefined) masked['immutable'] = object['immutable'];
  const data = canonical['data'];
  if (isPlainObject(data)) {
    masked['data'] = Object.fromEntries(
      Object.entries(data).map(([name, value]) => [
        name,
        redactSecretValue(value, [{ field: 'data' }, { field: name }], key),
      ]),
    );
  }
  return masked;
}
