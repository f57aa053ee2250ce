#!/usr/bin/env node
// Entry point: the CLI bundle of the current sources (bin/cli-bundle.mjs builds it on first run), else the TypeScript
// sources, which Node >= 24 runs directly (type stripping): a fresh clone needs no build step either way.
// Anything that escapes main() (the sources failing to load, an uncaught error, an unhandled rejection) is an error,
// exit 2, never 1: exit 1 means "drift found". One line on stderr, no stack.

import { fileURLToPath } from 'node:url';

const EXIT_ERROR = 2;

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
