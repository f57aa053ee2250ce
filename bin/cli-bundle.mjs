// The CLI as one esbuild bundle, built on first run into node_modules/.cache and keyed by a hash of the sources: Node
// then loads a few files instead of stripping the types of every module on every run, and a fresh clone still needs
// no build step (`npm ci` installs esbuild, the first run builds, every later run reuses the build until a source
// changes). Anything that goes wrong here falls back to the sources, which Node runs as they are.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the bundle is made of: a change to any of these is a new bundle. */
const INPUTS = ['lib', 'bin/cli-bundle.mjs', 'package-lock.json'];

/** @param {string} root @param {string} entry */
function sourceFiles(root, entry) {
  const path = join(root, entry);
  if (!existsSync(path)) return [];
  if (!entry.startsWith('lib')) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((dirent) => dirent.isFile())
    .map((dirent) => join(dirent.parentPath, dirent.name))
    .sort();
}

/**
 * The cache key: the content of every input and where the checkout is (the bundle names files of the checkout,
 * such as renderer/bin/dwrender).
 * @param {string} root
 */
export function sourceHash(root) {
  const hash = createHash('sha256').update(root);
  for (const file of INPUTS.flatMap((entry) => sourceFiles(root, entry)))
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * Each module keeps its own location: `import.meta.url` becomes the URL of the source file it is written in, so a
 * path relative to a module (lib/render/locate.ts finds the project's dwrender) means what it means in the sources.
 * @type {import('esbuild').Plugin}
 */
const sourceUrls = {
  name: 'source-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};

/** Dependencies bundled into the CLI: @kubernetes/client-node is over a thousand modules when Node loads it itself. */
const BUNDLED = ['@kubernetes/client-node'];

/**
 * Every other dependency stays in node_modules, found from the cache folder inside it, and loads as it does from the
 * sources. The bundled ones are read once, as part of the chunk of the command that needs them (a cluster read).
 * @type {import('esbuild').Plugin}
 */
const dependencies = {
  name: 'dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || BUNDLED.some((name) => args.path === name || args.path.startsWith(`${name}/`)))
        return undefined;
      // What a bundled package imports comes with it (undici, ws, jose, socks, ...: about 150 CommonJS modules that
      // Node would otherwise resolve, wrap and compile one by one at every cluster read). Built-ins stay external.
      if (args.importer.includes('/node_modules/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * Builds the bundle into `folder` (through a private folder renamed into place, so that concurrent first runs
 * never see half a bundle) and removes the bundles of older sources.
 * @param {string} root @param {string} cache @param {string} folder
 */
async function build(root, cache, folder) {
  const { build: esbuild } = await import('esbuild');
  const scratch = `${folder}.tmp-${process.pid}`;
  await esbuild({
    absWorkingDir: root,
    entryPoints: { main: join(root, 'lib/cli/main.ts') },
    outdir: scratch,
    bundle: true,
    // The commands are dynamic imports: one chunk each, loaded only when that command runs.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outExtension: { '.js': '.mjs' },
    // The bundled CommonJS modules `require` Node built-ins, which an ES module has no `require` for (as serverless.yml's banner).
    banner: {
      js: "import { createRequire as __driftwatchCreateRequire } from 'node:module'; const require = __driftwatchCreateRequire(import.meta.url);",
    },
    plugins: [sourceUrls, dependencies],
    logLevel: 'silent',
  });
  try {
    renameSync(scratch, folder);
  } catch {
    // Another first run won the rename: its bundle is the same.
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const name of readdirSync(cache))
    if (join(cache, name) !== folder && !name.includes('.tmp-'))
      rmSync(join(cache, name), { recursive: true, force: true });
}

/**
 * The CLI's main module: the bundle of these sources (built now if it is missing), else the sources themselves
 * (DRIFTWATCH_BUNDLE=off, no esbuild, or a build that failed).
 * @param {string} root
 * @returns {Promise<{ main: (argv: readonly string[]) => Promise<number> }>}
 */
export async function loadCli(root) {
  const sources = () => import(pathToFileURL(join(root, 'lib/cli/main.ts')).href);
  if (process.env.DRIFTWATCH_BUNDLE === 'off') return sources();
  const cache = join(root, 'node_modules', '.cache', 'driftwatch-cli');
  const folder = join(cache, sourceHash(root));
  const bundle = join(folder, 'main.mjs');
  if (!existsSync(bundle)) {
    try {
      await build(root, cache, folder);
    } catch {
      return sources();
    }
  }
  return import(pathToFileURL(bundle).href);
}
