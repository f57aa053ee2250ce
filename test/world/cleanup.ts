/**
 * Last-resort cleanup, so no world process outlives the process that started it. Two layers:
 * - `process.on('exit')` SIGKILLs every tracked process group and removes tracked folders (normal exit, uncaught error);
 * - a tiny detached reaper process (reaper.ts) watches us and does the same when we die without running exit handlers
 *   (SIGKILL, Ctrl-C, a test runner killing its worker). Our daemons sit in their own process groups, so a terminal's
 *   Ctrl-C never reaches them; without the reaper they would be orphaned.
 * The reaper reads what to clean from a small registry file that we rewrite on every change, and exits by itself when
 * the registry is gone (nothing left to guard).
 */
import { spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Registry {
  groups: number[];
  dirs: string[];
}

const groups = new Set<number>();
const dirs = new Set<string>();
const registryFile = join(tmpdir(), `driftwatch-world-reaper-${process.pid}.json`);
const REAPER_SCRIPT = join(import.meta.dirname, 'reaper.ts');
const MAX_REAPER_STARTS = 5;
let exitHandlerInstalled = false;
let reaperRunning = false;
let reaperStarts = 0;

export function trackGroup(pgid: number): void {
  groups.add(pgid);
  registryChanged();
}

export function untrackGroup(pgid: number): void {
  if (groups.delete(pgid)) registryChanged();
}

export function trackDir(dir: string): void {
  dirs.add(dir);
  registryChanged();
}

export function untrackDir(dir: string): void {
  if (dirs.delete(dir)) registryChanged();
}

function registryChanged(): void {
  installExitHandler();
  if (groups.size === 0 && dirs.size === 0) {
    rmSync(registryFile, { force: true });
    return;
  }
  const registry: Registry = { groups: [...groups], dirs: [...dirs] };
  writeFileSync(`${registryFile}.tmp`, JSON.stringify(registry));
  renameSync(`${registryFile}.tmp`, registryFile); // atomic: the reaper never reads half a file
  ensureReaper();
}

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    reapNow({ groups: [...groups], dirs: [...dirs] });
    rmSync(registryFile, { force: true });
  });
}

/** Synchronous on purpose: it runs in `exit` handlers and in the reaper. */
export function reapNow(registry: Registry): void {
  for (const pgid of registry.groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of registry.dirs) rmSync(dir, { recursive: true, force: true });
}

function ensureReaper(): void {
  if (reaperRunning || reaperStarts >= MAX_REAPER_STARTS) return;
  reaperRunning = true;
  reaperStarts += 1;
  const reaper = spawn(process.execPath, [REAPER_SCRIPT, registryFile, String(process.pid)], {
    detached: true, // its own group: the Ctrl-C that kills us must not kill the reaper
    stdio: 'ignore',
  });
  reaper.unref();
  reaper.once('exit', () => {
    reaperRunning = false;
    // it may have exited on an empty registry just before we refilled it
    if (groups.size > 0 || dirs.size > 0) ensureReaper();
  });
}
