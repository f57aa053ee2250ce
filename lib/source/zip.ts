import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { SourceError } from './error.ts';
import { isCommitId } from './paths.ts';
import type { EntryBudget, RawEntry } from './tree.ts';

const FILE_TYPE_MASK = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** A symlink entry's content is its target path; anything longer than this is not a path. */
const MAX_LINK_TARGET_BYTES = 4096;

export interface ZipContents {
  entries: RawEntry[];
  /** Commit id that `git archive --format=zip` writes as the archive comment. */
  commit?: string;
}

/** Reads a zip held in memory. Declared sizes are checked before inflating, and actual bytes are counted too. */
export async function readZip(data: Buffer, budget: EntryBudget): Promise<ZipContents> {
  const zip = await openZip(data, budget.location);
  try {
    if (zip.entryCount > budget.limits.maxEntries) {
      throw new SourceError(
        `${budget.location}: ${zip.entryCount} entries is more than ${budget.limits.maxEntries} (maxEntries); refusing a partial tree`,
      );
    }
    const entries: RawEntry[] = [];
    for await (const entry of zip.eachEntry()) {
      budget.countEntry();
      entries.push(await readZipEntry(zip, entry, budget));
    }
    const commit = archiveComment(zip);
    return commit !== undefined && isCommitId(commit) ? { entries, commit } : { entries };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`${budget.location}: not a valid zip archive`);
  } finally {
    zip.close();
  }
}

async function openZip(data: Buffer, location: string): Promise<ZipFile> {
  try {
    // Names are decoded and checked by us, so one unsafe name is a problem for that entry, not for the whole zip.
    return await yauzl.fromBufferPromise(data, { decodeStrings: false, validateEntrySizes: true });
  } catch {
    throw new SourceError(`${location}: not a valid zip archive`);
  }
}

/** With `decodeStrings: false` yauzl leaves the comment as bytes (its typings say string). */
function archiveComment(zip: ZipFile): string | undefined {
  const comment: unknown = zip.comment;
  if (Buffer.isBuffer(comment)) return comment.toString('latin1');
  return typeof comment === 'string' ? comment : undefined;
}

function entryName(entry: Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

/** The unix file type kept in the high half of the external attributes; 0 when the zip was made elsewhere. */
function unixFileType(entry: Entry): number {
  return (entry.externalFileAttributes >>> 16) & FILE_TYPE_MASK;
}

async function readZipEntry(zip: ZipFile, entry: Entry, budget: EntryBudget): Promise<RawEntry> {
  const name = entryName(entry);
  const fileType = unixFileType(entry);
  if (name.endsWith('/') || fileType === S_IFDIR) return { type: 'directory', name };
  if (fileType !== 0 && fileType !== S_IFREG && fileType !== S_IFLNK) {
    return { type: 'refused', name, reason: 'refused: special file (device, fifo or socket)' };
  }
  if (entry.isEncrypted() || !entry.canDecodeFileData()) {
    return { type: 'refused', name, reason: 'refused: encrypted or unsupported compression' };
  }
  if (fileType === S_IFLNK) return readZipSymlink(zip, entry, name);
  const size = entry.uncompressedSize;
  if (!budget.fitsOneFile(size)) return { type: 'refused', name, reason: budget.fileTooLargeReason(size) };
  budget.reserveBytes(size);
  const content = await inflateAtMost(zip, entry, size);
  if (content === undefined) {
    return { type: 'refused', name, reason: 'refused: data does not match the declared size' };
  }
  return { type: 'file', name, content };
}

async function readZipSymlink(zip: ZipFile, entry: Entry, name: string): Promise<RawEntry> {
  const target =
    entry.uncompressedSize <= MAX_LINK_TARGET_BYTES
      ? await inflateAtMost(zip, entry, entry.uncompressedSize)
      : undefined;
  if (target === undefined) return { type: 'refused', name, reason: 'refused: symbolic link with an invalid target' };
  return { type: 'symlink', name, target: target.toString('utf8') };
}

/** Inflates one entry, stopping as soon as it yields more than declared; undefined when the data is not as declared. */
async function inflateAtMost(zip: ZipFile, entry: Entry, declaredSize: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    const output: AsyncIterable<unknown> = stream;
    for await (const chunk of output) {
      if (!Buffer.isBuffer(chunk)) continue;
      total += chunk.length;
      if (total > declaredSize) {
        stream.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch {
    return undefined;
  }
  return total === declaredSize ? Buffer.concat(chunks, total) : undefined;
}
