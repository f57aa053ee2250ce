/**
 * Process helpers for the test world: free loopback ports, daemons in their own process group with output in a log
 * file, group-wide stop, and polling. Every daemon is spawned with `detached: true` (its own process group, so
 * killing the group also takes its helpers) and registered with cleanup.ts until it is stopped.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { trackGroup, untrackGroup } from './cleanup.ts';

/** Picks `count` distinct free ports on 127.0.0.1 by binding port 0 (all at once, so they differ), then closing. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listenOnAnyPort()));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export interface Daemon {
  name: string;
  /** Process id of the leader, which is also the process group id. */
  pid: number;
  logFile: string;
  /** The exit code or signal once the leader exited; undefined while it runs. */
  exitStatus(): string | undefined;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the group is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface DaemonOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a long-running process in its own group, stdout+stderr appended to `logFile`, not holding our event loop. */
export function spawnDaemon(options: DaemonOptions): Daemon {
  const logFd = openSync(options.logFile, 'a');
  let exitStatus: string | undefined;
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd); // the child has its own copy
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = signal ?? `exit code ${String(code)}`;
      resolve();
    });
    child.once('error', (error) => {
      exitStatus = `spawn error: ${error.message}`;
      resolve();
    });
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
  trackGroup(pid);
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exitStatus: () => exitStatus,
    stop(graceMs = 5_000) {
      stopping ??= stopProcessGroup(pid, graceMs)
        .then(() => Promise.race([exited, sleep(1_000)]))
        .finally(() => untrackGroup(pid));
      return stopping;
    },
  };
}

/** Stops a process group we may not be the parent of (the CLI's `stop`): TERM, wait, KILL, wait. */
export async function stopProcessGroup(pgid: number, graceMs = 5_000): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  if (await waitUntil(() => !isGroupAlive(pgid), graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  if (!(await waitUntil(() => !isGroupAlive(pgid), 3_000))) {
    throw new Error(`process group ${pgid} survived SIGKILL`);
  }
}

/** False when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * True while a process of group `pgid` runs. On Linux it reads /proc and ignores zombies: here PID 1 may not reap
 * orphans, and a zombie would otherwise look alive forever.
 */
export function isGroupAlive(pgid: number): boolean {
  const stats = readAllProcStats();
  if (stats === undefined) return signalGroup(pgid, 0);
  return stats.some((stat) => stat.pgid === pgid && stat.state !== 'Z');
}

/** True while process `pid` runs (zombies count as gone). */
export function isProcessAlive(pid: number): boolean {
  const stat = readProcStat(String(pid));
  if (stat !== undefined) return stat.state !== 'Z';
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether process `pid` runs with `dir` as working folder; guards against killing a reused pid from a stale state file. */
export function processRunsIn(pid: number, dir: string): boolean {
  try {
    // `dir` must be a real path; Linux appends " (deleted)" when the folder was removed under the process
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    return cwd === dir || cwd === `${dir} (deleted)`;
  } catch {
    return process.platform !== 'linux'; // no /proc to ask: trust the state file
  }
}

interface ProcStat {
  state: string;
  pgid: number;
}

function readAllProcStats(): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const stats: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry);
    if (stat !== undefined) stats.push(stat);
  }
  return stats;
}

function readProcStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so split after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const pgid = Number(fields[2]);
  return state === undefined || Number.isNaN(pgid) ? undefined : { state, pgid };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `intervalMs` until it returns true; false on timeout. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A daemon died because another process took its port between freePorts() and its bind; callers retry. */
export class PortInUseError extends Error {}

/**
 * Polls `ready` until it returns true. Fails fast if the daemon exits (PortInUseError when it lost a port race), or
 * after `timeoutMs`; on failure the daemon is stopped and the error carries the tail of its log.
 */
export async function waitForDaemon(
  daemon: Daemon,
  ready: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<void> {
  try {
    const isReady = await waitUntil(
      async () => {
        assertRunning(daemon);
        return ready();
      },
      options.timeoutMs,
      options.intervalMs,
    );
    if (!isReady) {
      throw new Error(
        `${daemon.name} not ready after ${String(options.timeoutMs)} ms; last lines of ${daemon.logFile}:\n${logTail(daemon.logFile)}`,
      );
    }
  } catch (error) {
    await daemon.stop();
    throw error;
  }
}

function assertRunning(daemon: Daemon): void {
  const status = daemon.exitStatus();
  if (status === undefined) return;
  const tail = logTail(daemon.logFile);
  const message = `${daemon.name} exited during startup (${status}); last lines of ${daemon.logFile}:\n${tail}`;
  throw /address already in use/i.test(tail) ? new PortInUseError(message) : new Error(message);
}

/** Runs `start` again (up to `attempts` times) when it lost a race for a free port. */
export async function retryOnPortRace<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= attempts) throw error;
    }
  }
}
