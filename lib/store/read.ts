import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { s3Sdk } from './s3-sdk.ts';
import type { S3Client } from '@aws-sdk/client-s3';
import { MAX_REPORT_DEPTH, exceedsJsonDepth, tooDeepReason } from '../io/json-depth.ts';
import type { Report } from '../report/report.ts';
import { SHA256_SIDECAR_SUFFIX } from './local.ts';
import type { S3Destination } from './s3.ts';
import { SHA256_METADATA, parseS3Destination } from './s3.ts';

/** Where reports are read from: a local report folder or an S3 bucket/prefix, both with the layout of layout.ts. */
export type ReportStore =
  | { type: 'local'; folder: string }
  | { type: 's3'; destination: S3Destination; client: S3Client };

/** `s3://bucket/prefix` or a folder; the S3 client is made only for an S3 store. */
export function openReportStore(location: string, makeClient: () => S3Client): ReportStore {
  if (location.startsWith('s3://'))
    return { type: 's3', destination: parseS3Destination(location), client: makeClient() };
  return { type: 'local', folder: resolve(location) };
}

/** The object key with the store's prefix (S3), as the API wants it. */
export function s3ObjectKey(destination: S3Destination, key: string): string {
  return destination.prefix ? `${destination.prefix}/${key}` : key;
}

/** Where a key lives, for people: `s3://bucket/prefix/key` or the file path. */
export function describeKey(store: ReportStore, key: string): string {
  if (store.type === 'local') return join(store.folder, key);
  return `s3://${store.destination.bucket}/${s3ObjectKey(store.destination, key)}`;
}

export function describeStore(store: ReportStore): string {
  if (store.type === 'local') return store.folder;
  return `s3://${store.destination.bucket}${store.destination.prefix ? `/${store.destination.prefix}` : ''}`;
}

/** The stored body differs from the digest stored with it: the object was changed after it was written. */
export class IntegrityError extends Error {
  constructor(where: string, actual: string, expected: string) {
    super(
      `integrity check failed for ${where}: its SHA-256 is ${actual} but the stored checksum is ${expected}; the report was modified after it was written`,
    );
    this.name = 'IntegrityError';
  }
}

/** `verified`: the digest matched; `unverified`: no digest was stored with the object (written before checksums). */
export type Integrity = 'verified' | 'unverified';

export interface StoredObject {
  text: string;
  integrity: Integrity;
  sha256: string;
}

interface RawObject {
  bytes: Uint8Array;
  expectedSha256: string | undefined;
}

/** Reads one object and checks it against its stored SHA-256 (S3 metadata or local sidecar); throws IntegrityError on a mismatch. */
export async function readVerified(store: ReportStore, key: string): Promise<StoredObject> {
  const raw =
    store.type === 'local' ? await readLocal(store.folder, key) : await readS3(store.client, store.destination, key);
  // Hash the bytes as stored, before decoding: a decode/encode round trip could hide a changed byte.
  const sha256 = createHash('sha256').update(raw.bytes).digest('hex');
  if (raw.expectedSha256 !== undefined && raw.expectedSha256 !== sha256)
    throw new IntegrityError(describeKey(store, key), sha256, raw.expectedSha256);
  return {
    text: new TextDecoder('utf-8').decode(raw.bytes),
    integrity: raw.expectedSha256 === undefined ? 'unverified' : 'verified',
    sha256,
  };
}

async function readLocal(folder: string, key: string): Promise<RawObject> {
  const path = join(folder, key);
  const bytes = await readFile(path).catch((error: unknown) => {
    throw notFoundOr(error, path);
  });
  const sidecar = await readFile(`${path}${SHA256_SIDECAR_SUFFIX}`, 'utf8').catch(() => undefined);
  // sha256sum format: the digest is the first word.
  const expected = sidecar?.trim().split(/\s+/)[0]?.toLowerCase();
  return { bytes, expectedSha256: expected || undefined };
}

async function readS3(client: S3Client, destination: S3Destination, key: string): Promise<RawObject> {
  const objectKey = s3ObjectKey(destination, key);
  try {
    const { GetObjectCommand } = await s3Sdk();
    const response = await client.send(new GetObjectCommand({ Bucket: destination.bucket, Key: objectKey }));
    const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
    return { bytes, expectedSha256: response.Metadata?.[SHA256_METADATA]?.toLowerCase() };
  } catch (error) {
    throw notFoundOr(error, `s3://${destination.bucket}/${objectKey}`);
  }
}

function notFoundOr(error: unknown, where: string): unknown {
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | null)?.code;
  if (name === 'NoSuchKey' || name === 'NotFound' || code === 'ENOENT') return new Error(`no such report: ${where}`);
  return error;
}

/** A stored report after its integrity check, with the exact stored text (what `get --format json` prints). */
export interface VerifiedReport {
  report: Report;
  text: string;
  integrity: Integrity;
  sha256: string;
}

export async function readStoredReport(store: ReportStore, key: string): Promise<VerifiedReport> {
  const stored = await readVerified(store, key);
  return { ...stored, report: parseStoredReport(stored.text, describeKey(store, key)) };
}

/** The report in `text`, with the lists older reports may lack filled in; throws naming `where` when it is not a report. */
export function parseStoredReport(text: string, where: string): Report {
  if (exceedsJsonDepth(text, MAX_REPORT_DEPTH))
    throw new Error(`${where} is not a driftwatch report: ${tooDeepReason(MAX_REPORT_DEPTH)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isReportLike(parsed)) throw new Error(`${where} is not a driftwatch report`);
  return { ...parsed, findings: Array.isArray(parsed.findings) ? parsed.findings : [] };
}

function isReportLike(value: unknown): value is Report {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof Report, unknown>>;
  return (
    typeof candidate.cluster === 'string' &&
    typeof candidate.generatedAt === 'string' &&
    Array.isArray(candidate.drift) &&
    typeof candidate.summary === 'object'
  );
}
