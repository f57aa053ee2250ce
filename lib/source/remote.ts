import type { S3Client } from '@aws-sdk/client-s3';
import { SourceError } from './error.ts';
import { archiveTooLarge } from './tree.ts';

/** A downloaded archive, still compressed, with the hints used to tell its type. */
export interface Download {
  data: Buffer;
  /** Path or key whose suffix may name the type (`.tar.gz`, `.zip`). */
  name: string;
  contentType?: string;
}

export interface WebAuth {
  token?: string;
  /** Header carrying the token; `Authorization` (the default) sends `Bearer <token>`, any other header the bare token. */
  tokenHeader?: string;
}

const MAX_REDIRECTS = 5;
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Parses an http(s) location without ever echoing it: it may carry credentials. */
export function parseWebUrl(location: string): URL {
  try {
    return new URL(location);
  } catch {
    throw new SourceError('source is not a valid URL');
  }
}

/** The URL as shown in messages and `SourceTree.location`: no user info, query string or fragment. */
export function publicUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Downloads an https URL (http only to loopback, for tests) into memory, at most `cap` bytes. The token goes only to
 * the origin that was asked for; redirects elsewhere (e.g. to a CDN with a signed URL) are followed without it.
 */
export async function downloadWeb(url: URL, auth: WebAuth, cap: number): Promise<Download> {
  const shown = publicUrl(url);
  const headers = authHeaders(url, auth);
  const origin = url.origin;
  let current = withoutUserInfo(url);
  for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects += 1) {
    refuseInsecure(current, shown);
    const response = await fetchOnce(current, current.origin === origin ? headers : {}, shown);
    const next = redirectTarget(response, current);
    if (next === undefined) {
      refuseFailedStatus(response, shown);
      const download: Download = { data: await readWithinCap(response, cap, shown), name: url.pathname };
      const contentType = response.headers.get('content-type');
      if (contentType !== null) download.contentType = contentType;
      return download;
    }
    await discard(response.body);
    current = next;
  }
  throw new SourceError(`${shown}: more than ${MAX_REDIRECTS} redirects`);
}

function authHeaders(url: URL, auth: WebAuth): Record<string, string> {
  if (auth.token !== undefined && auth.token !== '') {
    const header = auth.tokenHeader ?? 'Authorization';
    const value = header.toLowerCase() === 'authorization' ? `Bearer ${auth.token}` : auth.token;
    return { [header]: value };
  }
  if (url.username === '') return {};
  // fetch refuses URLs with credentials; `https://user:secret@host/...` becomes basic auth instead.
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function withoutUserInfo(url: URL): URL {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy;
}

function refuseInsecure(url: URL, shown: string): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return;
  throw new SourceError(`${shown}: only https sources are allowed (plain http only to localhost)`);
}

async function fetchOnce(url: URL, headers: Record<string, string>, shown: string): Promise<Response> {
  try {
    return await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new SourceError(`${shown}: download failed (${networkErrorCode(error)})`);
  }
}

/** Only an error code, never the error's message: it may quote the full URL. */
function networkErrorCode(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
  if (typeof code === 'string') return code;
  return error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'network error';
}

function redirectTarget(response: Response, current: URL): URL | undefined {
  if (response.status < 300 || response.status > 399) return undefined;
  const location = response.headers.get('location');
  if (location === null) return undefined;
  try {
    return new URL(location, current);
  } catch {
    return undefined;
  }
}

/**
 * Cancels a body that will not be read. Cancelling can reject (connection reset, stream already errored): nothing
 * depends on it, so that never becomes an error, nor an unhandled rejection when not awaited.
 */
function discard(body: ReadableStream | null): Promise<void> {
  if (body === null) return Promise.resolve();
  return body.cancel().catch(() => undefined);
}

function refuseFailedStatus(response: Response, shown: string): void {
  if (response.ok) return;
  void discard(response.body);
  const status = response.status;
  if (status === 401 || status === 403) throw new SourceError(`${shown}: access denied (HTTP ${status})`);
  if (status === 404) throw new SourceError(`${shown}: not found (HTTP 404)`);
  throw new SourceError(`${shown}: download failed (HTTP ${status})`);
}

async function readWithinCap(response: Response, cap: number, shown: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > cap) {
    await discard(response.body);
    throw archiveTooLarge(shown, cap);
  }
  if (response.body === null) return Buffer.alloc(0);
  return collectWithinCap(response.body, cap, shown);
}

/** Collects a byte stream, giving up as soon as it passes the cap (the stream is cancelled by leaving the loop). */
async function collectWithinCap(body: AsyncIterable<unknown>, cap: number, shown: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      if (!(chunk instanceof Uint8Array)) continue;
      total += chunk.byteLength;
      if (total > cap) throw archiveTooLarge(shown, cap);
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`${shown}: download interrupted (${networkErrorCode(error)})`);
  }
  return Buffer.concat(chunks, total);
}

/** `s3://bucket/key`, key taken verbatim (it may hold `?`, `#` or spaces). */
function parseS3Location(location: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  const bucket = match?.[1];
  const key = match?.[2];
  if (bucket === undefined || key === undefined) throw new SourceError(`${location}: expected s3://bucket/key`);
  return { bucket, key };
}

/**
 * Downloads `s3://bucket/key` with the client the adapter gives (lib/aws/s3-client.ts makes the default one): this
 * folder reads archives, it does not decide how to reach AWS.
 */
export async function downloadS3(location: string, client: S3Client, cap: number): Promise<Download> {
  const { bucket, key } = parseS3Location(location);
  // Loaded on first use: a run that reads a folder or an https archive never needs the S3 part of the SDK.
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
    throw s3Error(location, error);
  });
  const body = response.Body;
  if (body === undefined) throw new SourceError(`${location}: empty response from S3`);
  const stream = body.transformToWebStream();
  if (response.ContentLength !== undefined && response.ContentLength > cap) {
    await discard(stream);
    throw archiveTooLarge(location, cap);
  }
  const download: Download = { data: await collectWithinCap(stream, cap, location), name: key };
  if (response.ContentType !== undefined) download.contentType = response.ContentType;
  return download;
}

function s3Error(location: string, error: unknown): SourceError {
  const name = error instanceof Error ? error.name : 'unknown error';
  const status = s3HttpStatus(error);
  if (name === 'NoSuchKey' || name === 'NoSuchBucket' || status === 404) {
    return new SourceError(`${location}: not found (${name})`);
  }
  if (status === 401 || status === 403) return new SourceError(`${location}: access denied (${name}, HTTP ${status})`);
  return new SourceError(`${location}: download failed (${name}${status === undefined ? '' : `, HTTP ${status}`})`);
}

function s3HttpStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('$metadata' in error)) return undefined;
  const metadata: unknown = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
