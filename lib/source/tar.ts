import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import type { Header } from 'tar-stream';
import { SourceError } from './error.ts';
import { isCommitId } from './paths.ts';
import { archiveByteCap, archiveTooLarge } from './tree.ts';
import type { EntryBudget, RawEntry } from './tree.ts';

const BLOCK = 512;
const TYPEFLAG_OFFSET = 156;
const SIZE_OFFSET = 124;
const SIZE_LENGTH = 12;
const PAX_GLOBAL_TYPEFLAG = 0x67; // 'g'
/** A pax global header is a few records; anything bigger is not `git archive`'s and is not worth decoding. */
const MAX_PAX_GLOBAL_BYTES = 64 * 1024;

export interface TarContents {
  entries: RawEntry[];
  /** Commit id from `git archive`'s pax global header comment. */
  commit?: string;
}

/** Reads a (gzipped) tar held in memory. Decompression stops as soon as it outgrows what the limits allow. */
export async function readTar(data: Buffer, gzipped: boolean, budget: EntryBudget): Promise<TarContents> {
  const tar = gzipped ? await gunzipWithinCap(data, budget) : data;
  const entries = await readTarEntries(tar, budget);
  const commit = paxGlobalComment(tar);
  return commit === undefined ? { entries } : { entries, commit };
}

/** Gunzips while counting output bytes, aborting past the cap: a gzip bomb costs at most the cap. */
async function gunzipWithinCap(data: Buffer, budget: EntryBudget): Promise<Buffer> {
  const cap = archiveByteCap(budget.limits);
  const gunzip = createGunzip();
  gunzip.end(data);
  const output: AsyncIterable<unknown> = gunzip;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of output) {
      if (!Buffer.isBuffer(chunk)) continue;
      total += chunk.length;
      if (total > cap) throw archiveTooLarge(budget.location, cap);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`${budget.location}: not valid gzip data`);
  } finally {
    gunzip.destroy();
  }
  return Buffer.concat(chunks, total);
}

async function readTarEntries(tar: Buffer, budget: EntryBudget): Promise<RawEntry[]> {
  const extract = tarStream.extract();
  extract.end(tar);
  const entries: RawEntry[] = [];
  try {
    for await (const entry of extract) {
      budget.countEntry();
      entries.push(await readTarEntry(entry, budget));
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`${budget.location}: not a valid tar archive`);
  }
  return entries;
}

type TarEntry = AsyncIterable<unknown> & { header: Header; resume(): unknown };

async function readTarEntry(entry: TarEntry, budget: EntryBudget): Promise<RawEntry> {
  const header = entry.header;
  const name = header.name;
  // tar-stream's typings promise a known type, but an unknown typeflag arrives as null.
  const type: string | null = header.type;
  if (type !== 'file' && type !== 'contiguous-file') {
    entry.resume();
    return nonFileEntry(name, type, header);
  }
  if (!budget.fitsOneFile(header.size)) {
    entry.resume();
    return { type: 'refused', name, reason: budget.fileTooLargeReason(header.size) };
  }
  budget.reserveBytes(header.size);
  const chunks: Buffer[] = [];
  for await (const chunk of entry) {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  }
  return { type: 'file', name, content: Buffer.concat(chunks) };
}

function nonFileEntry(name: string, type: string | null, header: Header): RawEntry {
  const target: string | null = header.linkname;
  switch (type) {
    case 'directory':
      return { type: 'directory', name };
    case 'symlink':
      return { type: 'symlink', name, target: target ?? '' };
    case 'link':
      return { type: 'hardlink', name, target: target ?? '' };
    case 'character-device':
    case 'block-device':
    case 'fifo':
      return { type: 'refused', name, reason: `refused: ${type} entry` };
    default:
      return { type: 'refused', name, reason: `refused: unsupported entry type ${type ?? 'unknown'}` };
  }
}

/**
 * The `comment` of a leading pax global header, which `git archive` sets to the commit id. Read by hand because
 * tar-stream consumes global headers without exposing them.
 */
function paxGlobalComment(tar: Buffer): string | undefined {
  if (tar.length < BLOCK || tar[TYPEFLAG_OFFSET] !== PAX_GLOBAL_TYPEFLAG) return undefined;
  const size = parseOctal(tar.subarray(SIZE_OFFSET, SIZE_OFFSET + SIZE_LENGTH));
  if (size === undefined || size > MAX_PAX_GLOBAL_BYTES) return undefined;
  const comment = paxRecords(tar.subarray(BLOCK, BLOCK + size)).get('comment');
  return comment !== undefined && isCommitId(comment) ? comment : undefined;
}

function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  if (!/^[0-7]+$/.test(text)) return undefined;
  return Number.parseInt(text, 8);
}

/** Pax records are `<length> <key>=<value>\n`, the length counting the whole record. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let rest = data;
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const length = Number.parseInt(rest.toString('ascii', 0, Math.max(space, 0)), 10);
    if (space < 0 || !Number.isSafeInteger(length) || length <= space || length > rest.length) break;
    const record = rest.toString('utf8', space + 1, length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    rest = rest.subarray(length);
  }
  return records;
}
