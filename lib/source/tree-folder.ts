import type { SourceTree } from './types.ts';

/** '', '.', './apps/', '/apps' all name a folder the same way: no leading `./` or slashes, no trailing slash. */
export function normalizeFolder(path: string | undefined): string {
  const trimmed = (path ?? '').replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

/** True when some file of the tree lies in this folder ('' is the root: any file). */
function folderExists(tree: SourceTree, folder: string): boolean {
  return folder === '' ? tree.files.length > 0 : tree.files.some((file) => file.path.startsWith(`${folder}/`));
}

/**
 * The folder a cluster path names in the tree. Archives lose their single top folder (`repo-<sha>/`), but a
 * `git archive` without `--prefix` of a repository whose root holds one folder (`clusters/`) loses a folder that
 * the user's path names: `clusters/prod` is then found as `prod`. The path as written wins when it exists.
 */
export function resolveTreeFolder(tree: SourceTree, path: string | undefined): string {
  const folder = normalizeFolder(path);
  if (folder === '' || tree.topFolder === undefined || folderExists(tree, folder)) return folder;
  if (folder === tree.topFolder) return '';
  const prefix = `${tree.topFolder}/`;
  return folder.startsWith(prefix) ? folder.slice(prefix.length) : folder;
}
