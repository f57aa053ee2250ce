import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep, isAbsolute } from 'node:path';
import type { Stats } from 'node:fs';
import { SourceError } from './error.ts';
import { comparePaths } from './paths.ts';
import { refusal } from './tree.ts';
import type { EntryBudget } from './tree.ts';
import type { SourceFile, SourceProblem, SourceTree } from './types.ts';

interface Walk {
  root: string;
  budget: EntryBudget;
  files: SourceFile[];
  problems: SourceProblem[];
}

/**
 * Reads every regular file under a local folder, skipping `.git`. Symbolic links are followed only to regular files
 * inside the folder (like links inside an archive); links leaving the folder, to folders, or dangling are refused.
 */
export async function readFolder(
  folder: string,
  location: string,
  budget: EntryBudget,
  commit: string | undefined,
): Promise<SourceTree> {
  const walk: Walk = { root: await realpath(folder), budget, files: [], problems: [] };
  await walkFolder(walk, walk.root, '');
  walk.files.sort((a, b) => comparePaths(a.path, b.path));
  const tree: SourceTree = { location, files: walk.files, problems: walk.problems };
  if (commit !== undefined) tree.commit = commit;
  return tree;
}

async function walkFolder(walk: Walk, absolute: string, path: string): Promise<void> {
  const children = (await readdir(absolute)).filter((name) => name !== '.git').sort(comparePaths);
  for (const name of children) {
    walk.budget.countEntry();
    const childPath = path === '' ? name : `${path}/${name}`;
    await visit(walk, join(absolute, name), childPath).catch((error: unknown) => {
      // Limit errors end the walk; one unreadable file or folder is a problem for that path only.
      if (error instanceof SourceError) throw error;
      walk.problems.push(refusal(childPath, `could not be read (${errorCode(error)})`));
    });
  }
}

async function visit(walk: Walk, absolute: string, path: string): Promise<void> {
  const stats = await lstat(absolute);
  if (stats.isDirectory()) return walkFolder(walk, absolute, path);
  if (stats.isSymbolicLink()) return visitLink(walk, absolute, path);
  if (stats.isFile()) return addFile(walk, absolute, path, stats);
  walk.problems.push(refusal(path, 'refused: not a regular file (device, fifo or socket)'));
}

async function visitLink(walk: Walk, absolute: string, path: string): Promise<void> {
  const target = await realpath(absolute).catch(() => undefined);
  if (target === undefined) {
    walk.problems.push(refusal(path, 'refused: symbolic link to nothing'));
    return;
  }
  if (!isInside(walk.root, target)) {
    walk.problems.push(refusal(path, 'refused: symbolic link points outside the tree'));
    return;
  }
  const stats = await stat(target);
  if (!stats.isFile()) {
    walk.problems.push(refusal(path, 'refused: symbolic link does not point to a regular file'));
    return;
  }
  await addFile(walk, target, path, stats);
}

async function addFile(walk: Walk, absolute: string, path: string, stats: Stats): Promise<void> {
  if (!walk.budget.fitsOneFile(stats.size)) {
    walk.problems.push(refusal(path, walk.budget.fileTooLargeReason(stats.size)));
    return;
  }
  walk.budget.reserveBytes(stats.size);
  walk.files.push({ path, content: await readFile(absolute) });
}

function errorCode(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}

function isInside(root: string, target: string): boolean {
  const fromRoot = relative(root, target);
  return fromRoot !== '' && fromRoot !== '..' && !fromRoot.startsWith(`..${sep}`) && !isAbsolute(fromRoot);
}
