import type { KubeObject } from '../kube/object.ts';

/** One file of the declared-state tree, path relative to the tree root with `/` separators. */
export interface SourceFile {
  path: string;
  content: Buffer;
}

/** The unpacked Git archive (or local folder): every regular file, in memory, within the configured limits. */
export interface SourceTree {
  /** What was opened, as given by the user (a folder, archive path, https URL without credentials, s3:// URL). */
  location: string;
  /** Commit id when known: pax header comment of `git archive`, a GitHub-style `owner-repo-<sha>` top folder, or config. */
  commit?: string;
  files: SourceFile[];
  /** The single top folder an archive's entries shared, stripped from every path (`repo-<sha>`, or a repo's only folder). */
  topFolder?: string;
  /** Entries that were refused (unsafe path, link leaving the tree, device file, too large): nothing is lost silently. */
  problems: SourceProblem[];
}

export interface SourceProblem {
  /** Path of the file or archive entry concerned. */
  file: string;
  /** 1-based line in the file, when the problem is a parse error. */
  line?: number;
  message: string;
  severity: 'error' | 'warning';
}

/** A declared object and where it came from. */
export interface DeclaredObject {
  object: KubeObject;
  file: string;
  /** 1-based line where the document starts. */
  line: number;
}

export interface DeclaredState {
  location: string;
  commit?: string;
  objects: DeclaredObject[];
  /** Files that failed (syntax errors, duplicates, unsafe entries) and warnings (documents skipped). */
  problems: SourceProblem[];
  /** Number of manifest files read. */
  fileCount: number;
}

export interface ArchiveLimits {
  /** Total uncompressed bytes of all regular files. */
  maxTotalBytes: number;
  /** Number of archive entries of any type. */
  maxEntries: number;
  /** Bytes of one file. */
  maxFileBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntries: 50_000,
  maxFileBytes: 16 * 1024 * 1024,
};
