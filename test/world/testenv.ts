/**
 * The whole test world in one call: Kubernetes (etcd + kube-apiserver + kubectl), moto_server and a Slack webhook
 * receiver, each optional, all in one fresh folder `<os.tmpdir()>/driftwatch-world-XXXXXX` (a prefix no other
 * cleanup glob matches). stop() ends every process group and removes the folder; until then cleanup.ts guarantees
 * the same on exit or if this process dies.
 *
 *   const world = await startWorld();
 *   await world.kube?.kubectl(['get', 'ns']);
 *   ...
 *   await world.stop();
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from './binaries.ts';
import type { Binaries } from './binaries.ts';
import { trackDir, untrackDir, untrackGroup } from './cleanup.ts';
import { startKube } from './kube.ts';
import type { KubeWorld } from './kube.ts';
import { startMoto } from './moto.ts';
import type { MotoServer } from './moto.ts';
import { spawnDaemon, waitForDaemon } from './process.ts';
import type { Daemon } from './process.ts';
import { startSlackReceiver } from './slack.ts';
import type { SlackReceiver } from './slack.ts';

export interface WorldOptions {
  kube?: boolean;
  moto?: boolean;
  slack?: boolean;
  /** Use this folder instead of a new temp folder; it is removed on stop() only if startWorld created it. */
  dir?: string;
  /**
   * Run the Slack receiver as its own node process (slack-server.ts) instead of inside this one; `world.slack` is
   * then undefined: use env.SLACK_WEBHOOK_URL and slackControl(). Needed when this process exits first (the CLI).
   */
  slackAsProcess?: boolean;
}

/** What a driftwatch process needs to reach the world; the keys the CLI prints. */
export interface WorldEnv {
  TESTENV_DIR: string;
  KUBECONFIG?: string;
  /** kube-apiserver's audit log (JSON lines). */
  AUDIT_LOG?: string;
  AWS_ENDPOINT_URL?: string;
  SLACK_WEBHOOK_URL?: string;
}

export interface WorldTimings {
  binariesMs: number;
  kubeMs?: number;
  apiserverReadyMs?: number;
  motoMs?: number;
  slackMs?: number;
  totalMs: number;
}

export interface World {
  dir: string;
  env: WorldEnv;
  binaries: Binaries | undefined;
  kube: KubeWorld | undefined;
  moto: MotoServer | undefined;
  /** The in-process receiver; undefined when disabled or run as its own process. */
  slack: SlackReceiver | undefined;
  /** Every process group this world runs, leaders first in stop order. */
  daemons: Daemon[];
  timings: WorldTimings;
  /** Stops everything and removes the folder (if ours). Safe to call twice. */
  stop(): Promise<void>;
  /** Lets the processes and the folder outlive this process (the CLI's `start`): no exit-time cleanup. */
  detach(): void;
}

interface SlackPart {
  url: string;
  receiver: SlackReceiver | undefined;
  daemon: Daemon | undefined;
  stop(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const started = Date.now();
  const wanted = { kube: options.kube ?? true, moto: options.moto ?? true, slack: options.slack ?? true };
  const { dir, owned } = await makeWorldDir(options.dir);
  if (owned) trackDir(dir);
  try {
    const binariesStarted = Date.now();
    const binaries = wanted.kube || wanted.moto ? await ensureBinaries() : undefined;
    const binariesMs = Date.now() - binariesStarted;
    const parts = await startParts(dir, wanted, binaries, options.slackAsProcess === true);
    return assembleWorld({
      dir,
      owned,
      binaries,
      ...parts,
      timings: { binariesMs, ...parts.timings, totalMs: Date.now() - started },
    });
  } catch (error) {
    if (owned) {
      await rm(dir, { recursive: true, force: true });
      untrackDir(dir);
    }
    throw error;
  }
}

async function makeWorldDir(requested: string | undefined): Promise<{ dir: string; owned: boolean }> {
  if (requested === undefined)
    return { dir: realpathSync(await mkdtemp(join(tmpdir(), 'driftwatch-world-'))), owned: true };
  const existed = existsSync(requested);
  await mkdir(requested, { recursive: true });
  return { dir: realpathSync(requested), owned: !existed };
}

interface Parts {
  kube: KubeWorld | undefined;
  moto: MotoServer | undefined;
  slack: SlackPart | undefined;
  timings: Omit<WorldTimings, 'binariesMs' | 'totalMs'>;
}

/** Starts the wanted parts in parallel; if one fails, stops the others before rethrowing. */
async function startParts(
  dir: string,
  wanted: { kube: boolean; moto: boolean; slack: boolean },
  binaries: Binaries | undefined,
  slackAsProcess: boolean,
): Promise<Parts> {
  const timed = async <T>(start: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const begin = Date.now();
    const value = await start();
    return { value, ms: Date.now() - begin };
  };
  const [kube, moto, slack] = await Promise.allSettled([
    wanted.kube && binaries !== undefined
      ? timed(() => startKube({ assets: binaries.kubeAssets, workDir: dir }))
      : undefined,
    wanted.moto && binaries !== undefined
      ? timed(() => startMoto({ motoServer: binaries.motoServer, workDir: dir }))
      : undefined,
    wanted.slack ? timed(() => (slackAsProcess ? startSlackProcess(dir) : startSlackInProcess())) : undefined,
  ]);
  const failures = [kube, moto, slack].filter((result) => result.status === 'rejected');
  if (failures.length > 0) {
    const running = [kube, moto, slack].flatMap((result) =>
      result.status === 'fulfilled' && result.value !== undefined ? [result.value.value] : [],
    );
    await Promise.allSettled(running.map((part) => part.stop()));
    throw new Error(`test world failed to start:\n${failures.map((failure) => String(failure.reason)).join('\n')}`);
  }
  const value = <T>(
    result: PromiseSettledResult<{ value: T; ms: number } | undefined>,
  ): { value: T; ms: number } | undefined => (result.status === 'fulfilled' ? result.value : undefined);
  const kubePart = value(kube);
  const motoPart = value(moto);
  const slackPart = value(slack);
  return {
    kube: kubePart?.value,
    moto: motoPart?.value,
    slack: slackPart?.value,
    timings: {
      kubeMs: kubePart?.ms,
      apiserverReadyMs: kubePart?.value.timings.apiserverReadyMs,
      motoMs: motoPart?.ms,
      slackMs: slackPart?.ms,
    },
  };
}

async function startSlackInProcess(): Promise<SlackPart> {
  const receiver = await startSlackReceiver();
  return { url: receiver.url, receiver, daemon: undefined, stop: () => receiver.stop() };
}

const SLACK_SERVER = join(import.meta.dirname, 'slack-server.ts');

async function startSlackProcess(dir: string): Promise<SlackPart> {
  const urlFile = join(dir, 'slack.json');
  const daemon = spawnDaemon({
    name: 'slack-receiver',
    command: process.execPath,
    args: [SLACK_SERVER, '--url-file', urlFile],
    logFile: join(dir, 'slack.log'),
    cwd: dir,
  });
  await waitForDaemon(daemon, () => existsSync(urlFile), { timeoutMs: 15_000 });
  const { url } = JSON.parse(await readFile(urlFile, 'utf8')) as { url: string };
  return { url, receiver: undefined, daemon, stop: () => daemon.stop() };
}

interface WorldParts extends Omit<Parts, 'timings'> {
  dir: string;
  owned: boolean;
  binaries: Binaries | undefined;
  timings: WorldTimings;
}

function assembleWorld(parts: WorldParts): World {
  const daemons = [
    ...(parts.kube?.daemons ?? []),
    ...(parts.moto ? [parts.moto.daemon] : []),
    ...(parts.slack?.daemon ? [parts.slack.daemon] : []),
  ];
  const env: WorldEnv = { TESTENV_DIR: parts.dir };
  if (parts.kube) {
    env.KUBECONFIG = parts.kube.kubeconfig;
    env.AUDIT_LOG = parts.kube.auditLog;
  }
  if (parts.moto) env.AWS_ENDPOINT_URL = parts.moto.endpoint;
  if (parts.slack) env.SLACK_WEBHOOK_URL = parts.slack.url;
  let stopping: Promise<void> | undefined;
  return {
    dir: parts.dir,
    env,
    binaries: parts.binaries,
    kube: parts.kube,
    moto: parts.moto,
    slack: parts.slack?.receiver,
    daemons,
    timings: parts.timings,
    stop() {
      stopping ??= stopParts(parts);
      return stopping;
    },
    detach() {
      if (parts.slack !== undefined && parts.slack.daemon === undefined) {
        throw new Error('cannot detach a world whose Slack receiver runs in this process (use slackAsProcess)');
      }
      for (const daemon of daemons) untrackGroup(daemon.pid);
      untrackDir(parts.dir);
    },
  };
}

async function stopParts(parts: WorldParts): Promise<void> {
  const results = await Promise.allSettled([parts.kube?.stop(), parts.moto?.stop(), parts.slack?.stop()]);
  if (parts.owned) {
    await rm(parts.dir, { recursive: true, force: true });
    untrackDir(parts.dir);
  }
  const failures = results.filter((result) => result.status === 'rejected');
  if (failures.length > 0)
    throw new Error(`stopping the test world: ${failures.map((failure) => String(failure.reason)).join('; ')}`);
}
