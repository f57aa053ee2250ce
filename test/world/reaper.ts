/**
 * Watchdog started by cleanup.ts: `node reaper.ts <registry file> <parent pid>`. While the parent lives it only
 * polls; once the parent is gone (we were re-parented) it kills the registered process groups and removes the
 * registered folders. It exits as soon as the registry file disappears (the parent cleaned up itself).
 */
import { readFileSync, rmSync } from 'node:fs';
import { reapNow } from './cleanup.ts';
import type { Registry } from './cleanup.ts';

const POLL_MS = 250;
const [registryFile, parentPidText] = process.argv.slice(2);
const parentPid = Number(parentPidText);
if (registryFile === undefined || Number.isNaN(parentPid)) {
  process.stderr.write('usage: reaper.ts <registry file> <parent pid>\n');
  process.exit(2);
}

setInterval(() => tick(registryFile), POLL_MS);

function tick(file: string): void {
  const registry = readRegistry(file);
  if (registry === undefined) process.exit(0);
  if (process.ppid === parentPid) return; // parent still alive
  reapNow(registry);
  rmSync(file, { force: true });
  process.exit(0);
}

function readRegistry(file: string): Registry | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Registry;
  } catch {
    return undefined;
  }
}
