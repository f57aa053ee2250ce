/** Path rules shared by every archive format: entry names are untrusted input. */

export type EntryName = { safe: true; segments: string[] } | { safe: false; reason: string };

const DRIVE_LETTER = /^[A-Za-z]:/;
const TRAILING_SHA = /-([0-9a-f]{7,40})$/i;
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function isAbsolute(name: string): boolean {
  return name.startsWith('/') || DRIVE_LETTER.test(name);
}

/** Splits an archive entry name into path segments, refusing absolute names and `..` anywhere. */
export function splitEntryName(name: string): EntryName {
  if (isAbsolute(name)) return { safe: false, reason: 'absolute path' };
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { safe: false, reason: "path contains '..'" };
  return { safe: true, segments };
}

/** True for anything inside a `.git` folder (or a `.git` file of a submodule): never part of the declared state. */
export function isGitMetadata(segments: string[]): boolean {
  return segments.includes('.git');
}

/**
 * Resolves a symlink target against the folder holding the link. Returns null when the target is absolute or
 * climbs above the tree root.
 */
export function resolveSymlinkTarget(linkSegments: string[], target: string): string[] | null {
  if (isAbsolute(target)) return null;
  const resolved = linkSegments.slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') {
      resolved.push(part);
      continue;
    }
    if (resolved.length === 0) return null;
    resolved.pop();
  }
  return resolved;
}

/**
 * Resolves a hardlink target, which tar stores as an entry name from the archive root. Returns null when it is
 * unsafe or lies outside the stripped top folder.
 */
export function resolveHardlinkTarget(target: string, topFolder: string | undefined): string[] | null {
  const name = splitEntryName(target);
  if (!name.safe) return null;
  if (topFolder === undefined) return name.segments;
  if (name.segments[0] !== topFolder) return null;
  return name.segments.slice(1);
}

/**
 * The single folder every entry lives under (`repo-1a2b3c4/...` in GitHub and `git archive --prefix` archives), or
 * undefined when any file sits at the top or two top folders exist.
 */
export function commonTopFolder(entries: Array<{ segments: string[]; isDirectory: boolean }>): string | undefined {
  let top: string | undefined;
  let hasNested = false;
  for (const { segments, isDirectory } of entries) {
    const first = segments[0];
    if (first === undefined) continue;
    if (top !== undefined && first !== top) return undefined;
    top = first;
    if (segments.length === 1 && !isDirectory) return undefined;
    if (segments.length > 1) hasNested = true;
  }
  return hasNested ? top : undefined;
}

/** The commit id at the end of a GitHub-style top folder (`owner-repo-<sha>`), 7 to 40 hex digits. */
export function commitFromTopFolder(folder: string | undefined): string | undefined {
  if (folder === undefined) return undefined;
  return TRAILING_SHA.exec(folder)?.[1]?.toLowerCase();
}

export function isCommitId(value: string): boolean {
  return COMMIT_ID.test(value);
}

/** Code-unit order, the same on every machine and locale (localeCompare is not). */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
