import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SourceTree } from '../source/types.ts';

/** A private folder holding the source tree for one render, and the environment the renderer runs with. */
export interface RenderWorkspace {
  /** The tree root inside the workspace. */
  root: string;
  /** Scratch files of driftwatch's own (values files read by the CLI, inline values). */
  scratch: string;
  env: Record<string, string>;
  dispose: () => Promise<void>;
}

/**
 * Nothing listens on the discard port: any HTTP(S) request a renderer tries (a remote base, a chart repository)
 * fails at once instead of reaching the network. Remote inputs are refused before rendering (refuse.ts); this is the
 * second wall.
 */
const NO_NETWORK_PROXY = 'http://127.0.0.1:9';

/**
 * Writes the tree into a fresh 0700 temp folder (the renderer reads files, the tree is in memory) and builds an
 * environment with nothing of the caller's: HOME and Helm's cache/config/data homes inside the workspace, a PATH
 * holding only the renderer's own folders (no `git`, so kustomize cannot clone), every proxy variable pointing
 * nowhere.
 */
export async function openWorkspace(tree: SourceTree, pathFolders: readonly string[]): Promise<RenderWorkspace> {
  const base = await mkdtemp(join(tmpdir(), 'driftwatch-render-'));
  const root = join(base, 'tree');
  const scratch = join(base, 'scratch');
  const home = join(base, 'home');
  const dispose = (): Promise<void> => rm(base, { recursive: true, force: true });
  try {
    await Promise.all([mkdir(root, { mode: 0o700 }), mkdir(scratch, { mode: 0o700 }), mkdir(home, { mode: 0o700 })]);
    const folders = new Set(tree.files.map((file) => dirname(join(root, file.path))));
    for (const folder of folders) await mkdir(folder, { recursive: true, mode: 0o700 });
    await Promise.all(tree.files.map((file) => writeFile(join(root, file.path), file.content, { mode: 0o600 })));
  } catch (error) {
    await dispose();
    throw error;
  }
  const env: Record<string, string> = {
    PATH: [...new Set(pathFolders)].join(':'),
    HOME: home,
    TMPDIR: scratch,
    HELM_CACHE_HOME: join(home, 'helm-cache'),
    HELM_CONFIG_HOME: join(home, 'helm-config'),
    HELM_DATA_HOME: join(home, 'helm-data'),
    KUSTOMIZE_PLUGIN_HOME: join(home, 'kustomize-plugins'),
    XDG_CONFIG_HOME: join(home, 'config'),
    HTTP_PROXY: NO_NETWORK_PROXY,
    HTTPS_PROXY: NO_NETWORK_PROXY,
    http_proxy: NO_NETWORK_PROXY,
    https_proxy: NO_NETWORK_PROXY,
    NO_PROXY: '',
    no_proxy: '',
    GIT_ALLOW_PROTOCOL: 'file',
  };
  return { root, scratch, env, dispose };
}
