/**
 * esbuild plugins of the Lambda bundles (serverless.yml `custom.esbuild.plugins`; serverless-esbuild requires this
 * file and passes its default export to every build).
 *
 * With `package.individually`, serverless-esbuild builds one function at a time (`entryPoints: [entry]`,
 * `outdir: <build dir>/<the entry's folder>`: node_modules/serverless-esbuild/dist/bundle.js) into one shared build
 * folder, then zips per function every file of that folder except the other functions' entry files
 * (dist/pack.js). With code splitting, esbuild names chunks `chunk-<hash>` next to the entry, so both functions'
 * chunks would land in both zips and nothing tells them apart. `functionChunks` gives each function's chunks a folder
 * named after its entry (`functions/audit.ts` → `functions/audit-chunks/`), which the other function's
 * `package.patterns` then leaves out (`!functions/audit-chunks/**`).
 */

/** @type {import('esbuild').Plugin} */
const functionChunks = {
  name: 'driftwatch-function-chunks',
  setup(build) {
    const { entryPoints, splitting } = build.initialOptions;
    if (!splitting) return;
    if (!Array.isArray(entryPoints) || entryPoints.length !== 1 || typeof entryPoints[0] !== 'string') {
      throw new Error(
        'driftwatch-function-chunks: expected one entry point per build (serverless-esbuild with package.individually)',
      );
    }
    const entry =
      entryPoints[0]
        .split('/')
        .at(-1)
        ?.replace(/\.[^.]+$/, '') ?? '';
    // esbuild applies the plugins' changes to the initial options before it builds (esbuild.github.io/plugins).
    build.initialOptions.chunkNames = `${entry}-chunks/[name]-[hash]`;
  },
};

export default [functionChunks];
