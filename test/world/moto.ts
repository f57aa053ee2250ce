/**
 * moto_server (a local AWS API emulator) on 127.0.0.1. Nothing is set globally: clients get `endpoint` and use
 * forcePathStyle, region us-east-1 and any dummy credentials.
 */
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { freePorts, retryOnPortRace, spawnDaemon, waitForDaemon } from './process.ts';
import type { Daemon } from './process.ts';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  daemon: Daemon;
  readyMs: number;
  stop(): Promise<void>;
}

const MOTO_TIMEOUT_MS = 30_000;

export function startMoto(options: { motoServer: string; workDir: string }): Promise<MotoServer> {
  return retryOnPortRace(() => startOnce(options));
}

async function startOnce(options: { motoServer: string; workDir: string }): Promise<MotoServer> {
  const [port] = await freePorts(1);
  const endpoint = `http://127.0.0.1:${String(port)}`;
  const started = Date.now();
  const daemon = spawnDaemon({
    name: 'moto_server',
    command: options.motoServer,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    logFile: join(options.workDir, 'moto.log'),
    cwd: options.workDir,
  });
  await waitForDaemon(daemon, () => answersHttp(`${endpoint}/moto-api/`), {
    timeoutMs: MOTO_TIMEOUT_MS,
    intervalMs: 100,
  });
  return { endpoint, daemon, readyMs: Date.now() - started, stop: () => daemon.stop() };
}

/** Any HTTP answer counts: the server is listening and serving. */
function answersHttp(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(url, { agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}
