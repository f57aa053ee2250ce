import { readFile, stat } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { SourceError } from './error.ts';
import { readFolder } from './folder.ts';
import { downloadS3, downloadWeb, parseWebUrl, publicUrl } from './remote.ts';
import type { Download } from './remote.ts';
import { readTar } from './tar.ts';
import { EntryBudget, archiveByteCap, archiveTooLarge, buildTree } from './tree.ts';
import { DEFAULT_ARCHIVE_LIMITS } from './types.ts';
import type { ArchiveLimits, SourceTree } from './types.ts';
import { readZip } from './zip.ts';

export { SourceError } from './error.ts';

export interface OpenSourceOptions {
  limits?: ArchiveLimits;
  /** Sent to https sources only, and only to the origin asked for. */
  token?: string;
  /** Header for the token: `Authorization` (default, as `Bearer <token>`) or e.g. `PRIVATE-TOKEN` (bare token). */
  tokenHeader?: string;
  /** Commit id to report when the source carries none of its own (an archive's own commit id wins). */
  commit?: string;
  /** Reads `s3://` sources; the adapter makes it (the CLI and the Lambda: lib/aws/s3-client.ts), required for them. */
  s3Client?: S3Client;
}

type ArchiveType = 'tar.gz' | 'tar' | 'zip';

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP_MAGIC = Buffer.from('PK\x05\x06', 'latin1');
const USTAR_OFFSET = 257;

/**
 * Opens the declared-state tree, entirely in memory (nothing is written to disk): a local folder, a `.tar.gz`,
 * `.tgz`, `.tar` or `.zip` file, an https URL to such an archive, or `s3://bucket/key`. Unsafe entries become
 * problems; anything that would leave the tree partial (limits, unreadable source) throws a SourceError.
 *
 * Commit id: the archive's own (`git archive` pax header comment, or zip comment) wins, then a GitHub-style
 * `owner-repo-<sha>` top folder, and only then `options.commit`.
 */
export async function openSource(location: string, options: OpenSourceOptions = {}): Promise<SourceTree> {
  const limits = options.limits ?? DEFAULT_ARCHIVE_LIMITS;
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === 'https' || scheme === 'http') return openWeb(location, limits, options);
  if (scheme === 's3') {
    if (options.s3Client === undefined) throw new SourceError(`${location}: no S3 client to read it with`);
    const download = await downloadS3(location, options.s3Client, archiveByteCap(limits));
    return openDownload(download, location, limits, options.commit);
  }
  if (scheme !== undefined) throw new SourceError(`unsupported source: ${scheme}:// locations are not supported`);
  return openLocal(location, limits, options.commit);
}

async function openWeb(location: string, limits: ArchiveLimits, options: OpenSourceOptions): Promise<SourceTree> {
  const url = parseWebUrl(location);
  const download = await downloadWeb(url, options, archiveByteCap(limits));
  return openDownload(download, publicUrl(url), limits, options.commit);
}

async function openDownload(
  download: Download,
  location: string,
  limits: ArchiveLimits,
  commit: string | undefined,
): Promise<SourceTree> {
  const type = archiveType(download.data, download.name, download.contentType);
  if (type === undefined) throw new SourceError(`${location}: not a tar, tar.gz or zip archive`);
  return openArchive(download.data, type, location, limits, commit);
}

async function openLocal(location: string, limits: ArchiveLimits, commit: string | undefined): Promise<SourceTree> {
  const stats = await stat(location).catch((error: unknown) => {
    throw new SourceError(`${location}: ${isNotFound(error) ? 'not found' : 'cannot be read'}`);
  });
  const budget = new EntryBudget(limits, location);
  if (stats.isDirectory()) {
    return readFolder(location, location, budget, commit).catch((error: unknown) => {
      if (error instanceof SourceError) throw error;
      throw new SourceError(`${location}: cannot be read`);
    });
  }
  if (!stats.isFile()) throw new SourceError(`${location}: neither a folder nor an archive file`);
  const cap = archiveByteCap(limits);
  if (stats.size > cap) throw archiveTooLarge(location, cap);
  const data = await readFile(location).catch(() => {
    throw new SourceError(`${location}: cannot be read`);
  });
  const type = archiveType(data, location, undefined);
  if (type === undefined) throw new SourceError(`${location}: not a folder, tar, tar.gz or zip archive`);
  return openArchive(data, type, location, limits, commit);
}

async function openArchive(
  data: Buffer,
  type: ArchiveType,
  location: string,
  limits: ArchiveLimits,
  fallbackCommit: string | undefined,
): Promise<SourceTree> {
  const budget = new EntryBudget(limits, location);
  const contents = type === 'zip' ? await readZip(data, budget) : await readTar(data, type === 'tar.gz', budget);
  const commits: { fromArchive?: string; fallback?: string } = {};
  if (contents.commit !== undefined) commits.fromArchive = contents.commit;
  if (fallbackCommit !== undefined) commits.fallback = fallbackCommit;
  return buildTree(location, contents.entries, budget, commits);
}

/** Magic bytes first (they cannot lie about the format), then the name's suffix, then the Content-Type. */
function archiveType(data: Buffer, name: string, contentType: string | undefined): ArchiveType | undefined {
  return typeFromMagic(data) ?? typeFromSuffix(name) ?? typeFromContentType(contentType);
}

function typeFromMagic(data: Buffer): ArchiveType | undefined {
  if (data[0] === 0x1f && data[1] === 0x8b) return 'tar.gz';
  const head = data.subarray(0, 4);
  if (head.equals(ZIP_MAGIC) || head.equals(EMPTY_ZIP_MAGIC)) return 'zip';
  if (data.toString('latin1', USTAR_OFFSET, USTAR_OFFSET + 5) === 'ustar') return 'tar';
  return undefined;
}

function typeFromSuffix(name: string): ArchiveType | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar')) return 'tar';
  if (lower.endsWith('.zip')) return 'zip';
  return undefined;
}

function typeFromContentType(contentType: string | undefined): ArchiveType | undefined {
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mime === 'application/gzip' || mime === 'application/x-gzip' || mime === 'application/x-tgz') return 'tar.gz';
  if (mime === 'application/x-tar') return 'tar';
  if (mime === 'application/zip' || mime === 'application/x-zip-compressed') return 'zip';
  return undefined;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
