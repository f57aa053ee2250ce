/**
 * The test world itself: a real kube-apiserver (SSA, managedFields, RBAC), moto's S3, the Slack receiver, cleanup,
 * and the `npm run testenv -- start|stop` contract that external checks rely on.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries, parseKeyValueLines } from '../world/binaries.ts';
import { trackDir, untrackDir } from '../world/cleanup.ts';
import type { KubeWorld } from '../world/kube.ts';
import { isGroupAlive, waitUntil } from '../world/process.ts';
import { slackControl } from '../world/slack.ts';
import type { SlackReceiver } from '../world/slack.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

const execFileAsync = promisify(execFile);
const CLI = join(import.meta.dirname, '../world/cli.ts');

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not running`);
  return value;
}

function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

describe('startWorld', () => {
  let world: World;
  let kube: KubeWorld;
  let slack: SlackReceiver;
  let stopWorld = async (): Promise<void> => undefined;

  // 10 min: on a machine without the cached binaries, build-binaries.sh compiles them first (~4.5 min on 2 cores)
  beforeAll(async () => {
    world = await startWorld();
    stopWorld = () => world.stop();
    kube = required(world.kube, 'kube');
    slack = required(world.slack, 'slack');
    console.log(`world up: ${JSON.stringify(world.timings)} in ${world.dir}`);
  }, 600_000);

  afterAll(() => stopWorld());

  it('serves the built Kubernetes version', async () => {
    const built = await execFileAsync(join(required(world.binaries, 'binaries').kubeAssets, 'kube-apiserver'), [
      '--version',
    ]);
    const builtVersion = /v\d+\.\d+\.\d+\S*/.exec(built.stdout)?.[0];
    const { stdout } = await kube.kubectl(['version', '-o', 'json']);
    const version = JSON.parse(stdout) as { serverVersion: { gitVersion: string; gitTreeState: string } };
    expect(builtVersion).toBeDefined();
    expect(version.serverVersion.gitVersion).toBe(builtVersion);
    expect(version.serverVersion.gitTreeState).toBe('clean');
  });

  it('has room for more than 256 Services (service CIDR /16)', async () => {
    const namespace = uniqueName('services');
    await kube.kubectl(['create', 'namespace', namespace]);
    const services = Array.from({ length: 300 }, (_, index) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${index}`, namespace },
      spec: { ports: [{ port: 80 }], selector: { app: `svc-${index}` } },
    }));
    await kube.kubectl(['apply', '--server-side', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: services }),
    });
    const { stdout } = await kube.kubectl(['get', 'services', '-n', namespace, '-o', 'json']);
    const listed = JSON.parse(stdout) as { items: Array<{ spec: { clusterIP?: string } }> };
    expect(listed.items).toHaveLength(300);
    expect(new Set(listed.items.map((item) => item.spec.clusterIP)).size).toBe(300);
    await kube.kubectl(['delete', 'namespace', namespace, '--wait=false']);
  }, 120_000);

  it('server-side applies a Deployment and records managedFields for manager kubectl', async () => {
    const namespace = uniqueName('world'); // no namespace controller: namespaces are never really deleted
    await kube.kubectl(['create', 'namespace', namespace]);
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;
    const applied = await kube.kubectl(['apply', '--server-side', '-f', '-'], { input: manifest });
    expect(applied.stdout).toContain('deployment.apps/web serverside-applied');
    const { stdout } = await kube.kubectl([
      'get',
      'deployment',
      'web',
      '-n',
      namespace,
      '-o',
      'json',
      '--show-managed-fields',
    ]);
    const deployment = JSON.parse(stdout) as {
      metadata: { managedFields?: Array<{ manager: string; operation: string }> };
    };
    expect(deployment.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'kubectl', operation: 'Apply' }),
    );
  });

  it('makes client-cert users that RBAC forbids to read secrets', async () => {
    const kubeconfig = await kube.userKubeconfig('auditor');
    const whoami = await kube.kubectl(['auth', 'whoami'], { kubeconfig });
    expect(whoami.stdout).toMatch(/Username\s+auditor/);
    const canI = await kube.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', 'default'], {
      kubeconfig,
      allowFailure: true,
    });
    expect(canI.stdout.trim()).toBe('no');
    const get = await kube.kubectl(['get', 'secrets', '-n', 'default'], { kubeconfig, allowFailure: true });
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain('Forbidden');
  });

  it('puts userKubeconfig groups into the certificate, so group bindings apply', async () => {
    const group = uniqueName('driftwatch-readers');
    // a role of our own: `view` is aggregated by the controller-manager, which this world doesn't run
    await kube.kubectl(['create', 'clusterrole', group, '--verb=get,list', '--resource=pods']);
    await kube.kubectl(['create', 'clusterrolebinding', group, `--clusterrole=${group}`, `--group=${group}`]);
    const kubeconfig = await kube.userKubeconfig('reader', [group]);
    const pods = await kube.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'default'], {
      kubeconfig,
      allowFailure: true,
    });
    expect(pods.stdout.trim()).toBe('yes');
    const secrets = await kube.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', 'default'], {
      kubeconfig,
      allowFailure: true,
    });
    expect(secrets.stdout.trim()).toBe('no');
  });

  it('answers S3 CreateBucket and ListBuckets on moto', async () => {
    const client = s3Client(required(world.moto, 'moto').endpoint);
    try {
      const bucket = uniqueName('world-bucket');
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      const listed = await client.send(new ListBucketsCommand({}));
      expect(listed.Buckets?.map((entry) => entry.Name)).toContain(bucket);
    } finally {
      client.destroy();
    }
  });

  it('records Slack webhook POSTs and fails on demand with 429 + Retry-After or 500', async () => {
    slack.reset();
    const post = (text: string): Promise<Response> =>
      fetch(slack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    const ok = await post('first');
    expect([ok.status, await ok.text()]).toEqual([200, 'ok']);
    slack.failNext(1, 429, 7);
    const limited = await post('second');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await limited.text();
    slack.failNext(1, 500);
    expect((await post('third')).status).toBe(500);
    expect((await post('fourth')).status).toBe(200); // failures were for the next request only
    expect(slack.requests.map((request) => [request.json, request.status])).toEqual([
      [{ text: 'first' }, 200],
      [{ text: 'second' }, 429],
      [{ text: 'third' }, 500],
      [{ text: 'fourth' }, 200],
    ]);
    expect(slack.requests[0]?.path).toBe('/services/T000/B000/XXXX');
    expect(slack.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('lets another process drive the Slack receiver over its control API', async () => {
    const control = slackControl(slack.url);
    await control.reset();
    await control.failNext(2, 429, 1);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(slack.url, { method: 'POST', body: 'payload' })).status);
    expect(statuses).toEqual([429, 429, 200]);
    const recorded = await control.requests();
    expect(recorded.map((request) => request.body)).toEqual(['payload', 'payload', 'payload']);
    expect(recorded.every((request) => typeof request.at === 'number')).toBe(true);
  });

  // last in this block: it takes the world down
  it('stopApiserver() stops only the apiserver; stop() leaves no process and removes the folder', async () => {
    const [apiserver, ...others] = world.daemons;
    expect(apiserver?.name).toBe('kube-apiserver');
    await kube.stopApiserver();
    expect(isGroupAlive(required(apiserver, 'apiserver').pid)).toBe(false);
    expect(others.every((daemon) => isGroupAlive(daemon.pid))).toBe(true);
    const refused = await kube.kubectl(['get', 'ns', '--request-timeout=5s'], { allowFailure: true });
    expect(refused.code).not.toBe(0);

    await world.stop();
    await world.stop(); // idempotent
    expect(world.daemons.filter((daemon) => isGroupAlive(daemon.pid))).toEqual([]);
    expect(existsSync(world.dir)).toBe(false);
    expect((await fetch(slack.url, { method: 'POST', body: 'x' }).catch(() => undefined))?.status).toBeUndefined();
  });
});

describe('startWorld with only the Slack receiver', () => {
  it('needs no binaries and cleans up its folder', async () => {
    const world = await startWorld({ kube: false, moto: false });
    expect(world.kube).toBeUndefined();
    expect(Object.keys(world.env).sort()).toEqual(['SLACK_WEBHOOK_URL', 'TESTENV_DIR']);
    expect(world.dir).toMatch(/[/\\]driftwatch-world-[^/\\]+$/);
    await world.stop();
    expect(existsSync(world.dir)).toBe(false);
  });
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs cli.ts like `npm run testenv -- ...`; resolves when the process exits AND its stdio closes. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

describe('npm run testenv -- start / status / stop', () => {
  let stateDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'driftwatch-world-cli-state-'));
    trackDir(stateDir); // removed even if the run is interrupted before afterAll
    env = { DRIFTWATCH_TESTENV_STATE: join(stateDir, 'testenv-current.json') }; // don't touch a developer's running world
  });

  afterAll(async () => {
    await runCli(['stop'], env); // in case an assertion failed mid-way
    await rm(stateDir, { recursive: true, force: true });
    untrackDir(stateDir);
  });

  it('start prints the five lines and returns while the world keeps running; stop ends it', async () => {
    const started = await runCli(['start'], env);
    expect(started.code, started.stderr).toBe(0);
    const lines = started.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('=')[0]).sort()).toEqual([
      'AUDIT_LOG',
      'AWS_ENDPOINT_URL',
      'KUBECONFIG',
      'SLACK_WEBHOOK_URL',
      'TESTENV_DIR',
    ]);
    const values = parseKeyValueLines(started.stdout);
    const dir = required(values.get('TESTENV_DIR'), 'TESTENV_DIR');
    const kubeconfig = required(values.get('KUBECONFIG'), 'KUBECONFIG');
    const slackUrl = required(values.get('SLACK_WEBHOOK_URL'), 'SLACK_WEBHOOK_URL');
    const awsEndpoint = required(values.get('AWS_ENDPOINT_URL'), 'AWS_ENDPOINT_URL');
    // kube-apiserver's audit log: JSON lines, its own bootstrap writes already in it (issue 13)
    const auditLog = required(values.get('AUDIT_LOG'), 'AUDIT_LOG');
    expect(auditLog.startsWith(dir)).toBe(true);
    expect(JSON.parse(readFileSync(auditLog, 'utf8').split('\n')[0] ?? '')).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
    });
    console.log(`testenv start returned in ${started.ms} ms`);

    // the servers outlive the start process
    const pids = (
      JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as { processes: Array<{ name: string; pid: number }> }
    ).processes;
    expect(pids.map((entry) => entry.name).sort()).toEqual(['etcd', 'kube-apiserver', 'moto_server', 'slack-receiver']);
    expect(pids.every((entry) => isGroupAlive(entry.pid))).toBe(true);
    const kubectl = join((await ensureBinaries()).kubeAssets, 'kubectl');
    const namespaces = await execFileAsync(kubectl, ['--kubeconfig', kubeconfig, 'get', 'ns', '-o', 'name']);
    expect(namespaces.stdout).toContain('namespace/default');
    const client = s3Client(awsEndpoint);
    try {
      expect((await client.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    } finally {
      client.destroy();
    }
    expect((await fetch(slackUrl, { method: 'POST', body: '{"text":"hello"}' })).status).toBe(200);
    expect((await slackControl(slackUrl).requests()).map((request) => request.json)).toEqual([{ text: 'hello' }]);

    const status = await runCli(['status'], env);
    expect([status.code, status.stdout]).toEqual([0, expect.stringContaining('testenv: running')]);
    expect((await runCli(['start'], env)).code).toBe(1); // refuses to start a second world over the first

    const stopped = await runCli(['stop'], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(await waitUntil(() => pids.every((entry) => !isGroupAlive(entry.pid)), 5_000)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect((await runCli(['status'], env)).code).toBe(1);
  }, 120_000);

  it('--help prints the usage', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: npm run testenv -- <command>');
  });
});
