#!/usr/bin/env node
// Entry point: the CLI bundle of the current sources (bin/cli-bundle.mjs builds it on first run), else the TypeScript
// sources, which Node >= 24 runs directly (type stripping): a fresh clone needs no build step either way.
// Anything that escapes main() (the sources failing to load, an uncaught error, an unhandled rejection) is an error,
// exit 2, never 1: exit 1 means "drift found". One line on stderr, no stack.

import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

const EXIT_ERROR = 2;

// V8's compiled code of every module the CLI loads, kept beside the bundle (Node checks each entry against the
// module's source): later runs skip compiling the bundle and its dependencies. A folder that cannot be written only
// means no cache.
try {
  enableCompileCache(fileURLToPath(new URL('../node_modules/.cache/driftwatch-compile', import.meta.url)));
} catch {
  // no cache: the same run, compiled as it loads
}

/** @param {unknown} error */
function fail(error) {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((part) => part.trim() !== '') ?? 'unexpected error';
  process.stderr.write(`driftwatch: ${line.trim()}\n`);
  process.exit(EXIT_ERROR);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  const { loadCli } = await import('./cli-bundle.mjs');
  const { main } = await loadCli(fileURLToPath(new URL('..', import.meta.url)));
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  fail(error);
}
