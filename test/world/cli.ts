/**
 * `npm run testenv -- start|stop|status|--help`: the test world for humans and external checks.
 *
 * `start` prints exactly these lines on stdout (progress goes to stderr) and returns while the servers keep running
 * as detached background processes:
 *   KUBECONFIG=<path>  AUDIT_LOG=<path>  AWS_ENDPOINT_URL=<url>  SLACK_WEBHOOK_URL=<url>  TESTENV_DIR=<dir>
 * `stop` ends what `start` started. State: `<TESTENV_DIR>/pids.json` lists the process groups; a well-known state file
 * (see statePath()) remembers which TESTENV_DIR is current.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isGroupAlive, processRunsIn, stopProcessGroup } from './process.ts';
import { startWorld } from './testenv.ts';
import type { WorldEnv } from './testenv.ts';

const USAGE = `usage: npm run testenv -- <command>

Runs the driftwatch test world on 127.0.0.1: etcd + kube-apiserver, moto_server (AWS APIs) and a Slack webhook
receiver, each as a detached background process (logs in TESTENV_DIR).

commands:
  start    start the world; prints KUBECONFIG=, AUDIT_LOG=, AWS_ENDPOINT_URL=, SLACK_WEBHOOK_URL=, TESTENV_DIR= lines and returns
  stop     stop the world that start started and remove TESTENV_DIR
  status   print whether it runs (exit 0) or not (exit 1)
  --help   this text

AWS clients need region us-east-1, any dummy credentials and path-style addressing against AWS_ENDPOINT_URL.
The Slack receiver's control API: GET /_requests, POST /_fail?count=N&status=429|500&retryAfter=S, POST /_reset.

environment:
  DRIFTWATCH_TESTENV_STATE  state file path (default: \${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}/testenv-current.json)
  DRIFTWATCH_CACHE, KUBEBUILDER_ASSETS, ...  passed to test/world/build-binaries.sh
`;

const ENV_KEYS = ['KUBECONFIG', 'AUDIT_LOG', 'AWS_ENDPOINT_URL', 'SLACK_WEBHOOK_URL', 'TESTENV_DIR'] as const;

/** Contents of `<TESTENV_DIR>/pids.json`. */
interface PidsFile {
  dir: string;
  startedAt: string;
  env: WorldEnv;
  /** Process group leaders, in stop order (kube-apiserver first). */
  processes: Array<{ name: string; pid: number }>;
}

/** Contents of the well-known state file. */
interface CurrentState {
  dir: string;
}

function statePath(): string {
  const explicit = process.env.DRIFTWATCH_TESTENV_STATE;
  if (explicit !== undefined && explicit !== '') return explicit;
  const cache = process.env.DRIFTWATCH_CACHE ?? join(homedir(), '.cache', 'driftwatch');
  return join(cache, 'testenv-current.json');
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function readCurrent(): { state: CurrentState; pids: PidsFile | undefined } | undefined {
  const state = readJson<CurrentState>(statePath());
  if (state === undefined) return undefined;
  return { state, pids: readJson<PidsFile>(join(state.dir, 'pids.json')) };
}

/** Processes of the recorded world that still run (daemons run with the world folder as cwd: a reused pid doesn't count). */
function liveProcesses(pids: PidsFile): Array<{ name: string; pid: number }> {
  return pids.processes.filter((entry) => isGroupAlive(entry.pid) && processRunsIn(entry.pid, pids.dir));
}

function envLines(env: WorldEnv): string {
  return ENV_KEYS.flatMap((key) => (env[key] === undefined ? [] : [`${key}=${env[key]}`])).join('\n');
}

async function start(): Promise<number> {
  const current = readCurrent();
  if (current?.pids !== undefined && liveProcesses(current.pids).length > 0) {
    process.stderr.write(
      `testenv: already running (TESTENV_DIR=${current.state.dir}); run \`npm run testenv -- stop\` first\n`,
    );
    return 1;
  }
  if (current !== undefined) await stopRecorded(current.state, current.pids); // stale leftovers of a crashed world
  process.stderr.write('testenv: starting etcd + kube-apiserver, moto_server, Slack receiver...\n');
  const world = await startWorld({ slackAsProcess: true });
  const pids: PidsFile = {
    dir: world.dir,
    startedAt: new Date().toISOString(),
    env: world.env,
    processes: world.daemons.map((daemon) => ({ name: daemon.name, pid: daemon.pid })),
  };
  try {
    await writeFile(join(world.dir, 'pids.json'), `${JSON.stringify(pids, null, 2)}\n`);
    await mkdir(dirname(statePath()), { recursive: true });
    await writeFile(statePath(), `${JSON.stringify({ dir: world.dir } satisfies CurrentState)}\n`);
  } catch (error) {
    await world.stop();
    throw error;
  }
  world.detach(); // from here on the processes outlive us
  process.stderr.write(
    `testenv: up in ${(world.timings.totalMs / 1000).toFixed(1)} s (kube-apiserver ready in ${String(world.timings.apiserverReadyMs)} ms)\n`,
  );
  process.stdout.write(`${envLines(world.env)}\n`);
  return 0;
}

async function stop(): Promise<number> {
  const current = readCurrent();
  if (current === undefined) {
    process.stdout.write('testenv: not running\n');
    return 0;
  }
  await stopRecorded(current.state, current.pids);
  process.stdout.write(`testenv: stopped (TESTENV_DIR=${current.state.dir})\n`);
  return 0;
}

/** kube-apiserver first (it needs etcd to shut down cleanly), then the rest together; then the folder and state. */
async function stopRecorded(state: CurrentState, pids: PidsFile | undefined): Promise<void> {
  if (pids !== undefined) {
    const [first, ...rest] = liveProcesses(pids);
    if (first !== undefined) await stopProcessGroup(first.pid);
    await Promise.all(rest.map((entry) => stopProcessGroup(entry.pid)));
  }
  // only ever remove folders that look like ours, whatever the state file says
  if (/[/\\]driftwatch-world-[^/\\]+$/.test(state.dir)) await rm(state.dir, { recursive: true, force: true });
  await rm(statePath(), { force: true });
}

function status(): number {
  const current = readCurrent();
  if (current?.pids === undefined) {
    process.stdout.write('testenv: not running\n');
    return 1;
  }
  const live = liveProcesses(current.pids);
  const dead = current.pids.processes.filter((entry) => !live.includes(entry));
  if (live.length === 0) {
    process.stdout.write(
      `testenv: not running (stale state for TESTENV_DIR=${current.state.dir}; \`stop\` cleans it)\n`,
    );
    return 1;
  }
  if (dead.length > 0) {
    process.stdout.write(
      `testenv: degraded: ${dead.map((entry) => entry.name).join(', ')} not running\n${envLines(current.pids.env)}\n`,
    );
    return 1;
  }
  const names = live.map((entry) => `${entry.name} (pid ${String(entry.pid)})`).join(', ');
  process.stdout.write(`testenv: running since ${current.pids.startedAt}: ${names}\n${envLines(current.pids.env)}\n`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command] = args;
  switch (command) {
    case 'start':
      return start();
    case 'stop':
      return stop();
    case 'status':
      return status();
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(
        command === undefined ? USAGE : `testenv: unknown command ${JSON.stringify(command)}\n\n${USAGE}`,
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`testenv: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
