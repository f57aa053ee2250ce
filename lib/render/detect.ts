import { normalizeFolder } from '../source/tree-folder.ts';
import type { SourceTree } from '../source/types.ts';

/** How the declared state of a folder is produced. */
export type RendererType = 'plain' | 'kustomize' | 'helm';

/** The file names kustomize reads as a kustomization (sigs.k8s.io/kustomize/api/konfig: RecognizedKustomizationFileNames). */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function isKustomizationFile(name: string): boolean {
  return (KUSTOMIZATION_FILES as readonly string[]).includes(name);
}

/** The file names directly in a folder of the tree ('' is the root). */
export function filesIn(tree: SourceTree, folder: string): string[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  return tree.files
    .map((file) => file.path)
    .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
    .map((path) => path.slice(prefix.length));
}

/**
 * Decides as Argo CD does (argo-cd util/app/discovery/discovery.go, `Discover` + `AppType`): the files directly in
 * the app folder are walked in name order (Go's filepath.Walk sorts bytewise) and the last one that is a
 * kustomization (Kustomize) or ends in `Chart.yaml` (Helm) decides; no such file: a plain folder, read recursively.
 * So a folder holding both `Chart.yaml` and `kustomization.yaml` is rendered with Kustomize, as Argo CD does.
 */
export function detectRenderer(tree: SourceTree, folder: string): RendererType {
  return typeOfFolder(filesIn(tree, normalizeFolder(folder)));
}

function typeOfFolder(names: readonly string[]): RendererType {
  let type: RendererType = 'plain';
  for (const name of [...names].sort(compareBytes)) {
    if (name.endsWith('Chart.yaml')) type = 'helm';
    if (isKustomizationFile(name)) type = 'kustomize';
  }
  return type;
}

/** The folders below `folder` (itself excluded) that Argo CD would render rather than read as plain YAML. */
export function renderedFoldersBelow(
  tree: SourceTree,
  folder: string,
): { folder: string; type: Exclude<RendererType, 'plain'> }[] {
  const root = normalizeFolder(folder);
  const prefix = root === '' ? '' : `${root}/`;
  const namesByFolder = new Map<string, string[]>();
  for (const { path } of tree.files) {
    if (!path.startsWith(prefix)) continue;
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    if (dir === root) continue;
    const names = namesByFolder.get(dir) ?? [];
    names.push(path.slice(slash + 1));
    namesByFolder.set(dir, names);
  }
  const found: { folder: string; type: Exclude<RendererType, 'plain'> }[] = [];
  for (const [dir, names] of namesByFolder) {
    const type = typeOfFolder(names);
    if (type !== 'plain') found.push({ folder: dir, type });
  }
  return found.sort((a, b) => compareBytes(a.folder, b.folder));
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
