import { SourceError } from './error.ts';
import {
  commitFromTopFolder,
  comparePaths,
  commonTopFolder,
  isGitMetadata,
  resolveHardlinkTarget,
  resolveSymlinkTarget,
  splitEntryName,
} from './paths.ts';
import type { ArchiveLimits, SourceFile, SourceProblem, SourceTree } from './types.ts';

/** One archive entry as read from tar or zip, before path checks and link resolution. */
export type RawEntry =
  | { type: 'file'; name: string; content: Buffer }
  | { type: 'directory'; name: string }
  | { type: 'symlink'; name: string; target: string }
  | { type: 'hardlink'; name: string; target: string }
  | { type: 'refused'; name: string; reason: string };

/** Links may point at links; a chain longer than this is treated as a loop. */
const MAX_LINK_HOPS = 8;

/** Per-entry allowance for tar headers, pax records and padding when bounding the raw or decompressed archive. */
const ENTRY_OVERHEAD_BYTES = 2048;

/** The most bytes an archive within the limits can take, compressed or not: bounds downloads and decompression. */
export function archiveByteCap(limits: ArchiveLimits): number {
  return limits.maxTotalBytes + limits.maxEntries * ENTRY_OVERHEAD_BYTES;
}

export function archiveTooLarge(location: string, cap: number): SourceError {
  return new SourceError(
    `${location}: archive is larger than ${cap} bytes (maxTotalBytes plus per-entry overhead); refusing a partial tree`,
  );
}

/** Counts entries and kept bytes; going over the entry or total limit is fatal because the tree would be partial. */
export class EntryBudget {
  readonly limits: ArchiveLimits;
  readonly location: string;
  private entries = 0;
  private bytes = 0;

  constructor(limits: ArchiveLimits, location: string) {
    this.limits = limits;
    this.location = location;
  }

  countEntry(): void {
    this.entries += 1;
    if (this.entries <= this.limits.maxEntries) return;
    throw new SourceError(
      `${this.location}: more than ${this.limits.maxEntries} entries (maxEntries); refusing a partial tree`,
    );
  }

  reserveBytes(size: number): void {
    this.bytes += size;
    if (this.bytes <= this.limits.maxTotalBytes) return;
    throw new SourceError(
      `${this.location}: files total more than ${this.limits.maxTotalBytes} bytes (maxTotalBytes); refusing a partial tree`,
    );
  }

  fitsOneFile(size: number): boolean {
    return size <= this.limits.maxFileBytes;
  }

  fileTooLargeReason(size: number): string {
    return `file of ${size} bytes is over maxFileBytes (${this.limits.maxFileBytes}); not loaded`;
  }
}

export function refusal(file: string, message: string): SourceProblem {
  return { file, message, severity: 'error' };
}

interface PlacedEntry {
  entry: RawEntry;
  segments: string[];
}

type LinkEntry = Extract<RawEntry, { type: 'symlink' | 'hardlink' }>;

/**
 * Turns raw archive entries into a tree: refuses unsafe names, strips the single top folder, resolves links that
 * stay inside the tree to their target's content. Problems name entries as the archive spells them (top folder
 * included). Commit: the archive's own (`git archive` pax header or zip comment) wins, then a GitHub-style top
 * folder, then the configured fallback.
 */
export function buildTree(
  location: string,
  entries: RawEntry[],
  budget: EntryBudget,
  commits: { fromArchive?: string; fallback?: string },
): SourceTree {
  const problems: SourceProblem[] = [];
  const placed = placeEntries(entries, problems);
  const topFolder = commonTopFolder(
    placed.map(({ entry, segments }) => ({ segments, isDirectory: entry.type === 'directory' })),
  );
  const stripped = topFolder === undefined ? placed : placed.map(stripFirstSegment);

  const contents = new Map<string, Buffer>();
  const links = new Map<string, LinkEntry>();
  for (const { entry, segments } of stripped) {
    const path = segments.join('/');
    if (entry.type === 'file') contents.set(path, entry.content);
    if (entry.type === 'symlink' || entry.type === 'hardlink') links.set(path, entry);
    if (entry.type === 'refused') problems.push(refusal(entry.name, entry.reason));
  }

  for (const [path, link] of links) {
    const resolved = resolveLink(path, links, contents, topFolder);
    if (typeof resolved === 'string') {
      problems.push(refusal(link.name, resolved));
      continue;
    }
    // Every path handed out costs a parse downstream, so link copies count against the total too.
    budget.reserveBytes(resolved.length);
    contents.set(path, resolved);
  }

  const tree: SourceTree = { location, files: sortedFiles(contents), problems };
  if (topFolder !== undefined) tree.topFolder = topFolder;
  const commit = commits.fromArchive ?? commitFromTopFolder(topFolder) ?? commits.fallback;
  if (commit !== undefined) tree.commit = commit;
  return tree;
}

function placeEntries(entries: RawEntry[], problems: SourceProblem[]): PlacedEntry[] {
  const placed: PlacedEntry[] = [];
  for (const entry of entries) {
    const name = splitEntryName(entry.name);
    if (!name.safe) {
      problems.push(refusal(entry.name, `refused: ${name.reason}`));
      continue;
    }
    if (name.segments.length === 0 || isGitMetadata(name.segments)) continue;
    placed.push({ entry, segments: name.segments });
  }
  return placed;
}

function stripFirstSegment(placed: PlacedEntry): PlacedEntry {
  return { entry: placed.entry, segments: placed.segments.slice(1) };
}

/** Follows a link (chain) to a regular file; returns the content, or the reason it is refused. */
function resolveLink(
  path: string,
  links: Map<string, LinkEntry>,
  contents: Map<string, Buffer>,
  topFolder: string | undefined,
): Buffer | string {
  let current = path;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop += 1) {
    const link = links.get(current);
    if (link === undefined) {
      const content = contents.get(current);
      if (content !== undefined) return content;
      return `refused: ${describeLink(path, links)} does not point to a regular file in the archive`;
    }
    const target =
      link.type === 'symlink'
        ? resolveSymlinkTarget(current.split('/'), link.target)
        : resolveHardlinkTarget(link.target, topFolder);
    if (target === null) return `refused: ${describeLink(path, links)} points outside the tree`;
    current = target.join('/');
  }
  return `refused: ${describeLink(path, links)} is a chain of more than ${MAX_LINK_HOPS} links`;
}

function describeLink(path: string, links: Map<string, LinkEntry>): string {
  return links.get(path)?.type === 'hardlink' ? 'hard link' : 'symbolic link';
}

function sortedFiles(contents: Map<string, Buffer>): SourceFile[] {
  return [...contents.entries()].sort(([a], [b]) => comparePaths(a, b)).map(([path, content]) => ({ path, content }));
}
