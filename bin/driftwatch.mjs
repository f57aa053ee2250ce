#!/usr/bin/env node
// Entry point: Node >= 24 runs the TypeScript sources directly (type stripping), so a fresh clone needs no build step.
import { main } from '../lib/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
