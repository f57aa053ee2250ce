import { isPlainObject } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import { secretDigest } from './normalize.ts';
import type { Path } from './path.ts';

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

/** True for the path of a Secret's values, whose content must never leave the process. */
export function isSecretValuePath(path: Path): boolean {
  const first = path[0];
  return first !== undefined && 'field' in first && (first.field === 'data' || first.field === 'stringData');
}

/** Replaces Secret values by digests of their decoded bytes: a changed value shows as a changed hash, nothing more. */
export function redactSecretValue(value: unknown, path: Path): unknown {
  if (value === undefined) return undefined;
  if (path.length === 1 && isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, digestOfEncoded(entry)]));
  }
  return digestOfEncoded(value);
}

function digestOfEncoded(value: unknown): string {
  if (typeof value !== 'string') return secretDigest(value);
  return secretDigest(Buffer.from(value, 'base64').toString('latin1'));
}
