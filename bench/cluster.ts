/**
 * A cluster audit against kubectl, on the test world: N declared objects (default 480; Deployments, Services and
 * ConfigMaps in equal parts, over four namespaces) applied server-side, drift seeded with kubectl, then in one run the
 * real CLI (`driftwatch audit --source … --kubeconfig … --format json --no-write`), `kubectl get` of the same types
 * (`-A -o json`) and `kubectl diff --server-side` of the same files. An audit before them goes through a counting proxy
 * in front of the apiserver (test/world/fault-proxy.ts): every request it makes, counted where the apiserver receives
 * it (and the CLI bundle built, the compile cache filled, before anything is timed).
 *
 *   npm run bench:cluster [-- --objects 10000] [-- --profile DIR]   (a CPU profile of the timed audit into DIR)
 *
 * Prints one line: `cluster: objects N, audit S s, kubectl get S s (ratio R), kubectl diff S s (R× slower), requests Q,
 * drift exact yes|no`. Drift exact compares the report's drift with the seeded drift.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { proxiedKubeconfig, startKubeProxy } from '../test/world/fault-proxy.ts';
import type { KubeWorld } from '../test/world/kube.ts';
import { startWorld } from '../test/world/testenv.ts';
import { clusterBenchObjects, seedClusterDrift } from './cluster-world.ts';
import { driftOf } from './snapshot-world.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { objects: { type: 'string', default: '480' }, profile: { type: 'string' } } });
const count = Number(values.objects);
const dir = join(ROOT, '.scratch', `bench-cluster-${count}`);
rmSync(dir, { recursive: true, force: true });
const sourceDir = join(dir, 'source');
mkdirSync(sourceDir, { recursive: true });

interface Timed {
  seconds: number;
  code: number;
  stdout: string;
}

/** One process to its end, stdout kept (asynchronously: the counting proxy runs in this process). */
function timed(command: string, args: readonly string[]): Promise<Timed> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.once('error', fail);
    child.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === null || code > 1) fail(new Error(`${command} ${args.join(' ')} exited ${String(code)}: ${stderr}`));
      else done({ seconds, code, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

async function bench(kube: KubeWorld): Promise<string> {
  const world = clusterBenchObjects(count);
  for (const file of world.files) writeFileSync(join(sourceDir, file.name), file.text);
  for (const namespace of world.namespaces) await kube.kubectl(['create', 'namespace', namespace]);
  // One apply per namespace, in parallel and without the world's kubectl timeout: 10,000 objects take minutes.
  const filesOf = (namespace: string): string[] =>
    world.files
      .filter((file) => file.name.startsWith(`${namespace}-`))
      .flatMap((file) => ['-f', join(sourceDir, file.name)]);
  await Promise.all(
    world.namespaces.map((namespace) =>
      timed(kube.kubectlPath, [
        '--kubeconfig',
        kube.kubeconfig,
        'apply',
        '--server-side',
        '--field-manager=argocd-controller',
        ...filesOf(namespace),
      ]),
    ),
  );
  const expected = await seedClusterDrift(kube, world);
  const cli = [join(ROOT, 'bin', 'driftwatch.mjs')];
  const auditArgs = (kubeconfig: string): string[] => [
    ...cli,
    'audit',
    '--source',
    sourceDir,
    '--kubeconfig',
    kubeconfig,
    '--format',
    'json',
    '--no-write',
    '--quiet',
    '--fail-on',
    'none',
  ];
  // The counted audit first: it also builds the CLI bundle and fills the compile cache on a fresh clone.
  const requests = await countRequests(kube, auditArgs);
  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(values.profile)] : [];
  const audit = await timed(process.execPath, [...profile, ...auditArgs(kube.kubeconfig)]);
  const get = await timed(kube.kubectlPath, [
    '--kubeconfig',
    kube.kubeconfig,
    'get',
    world.resources.join(','),
    '-A',
    '-o',
    'json',
  ]);
  const diff = await timed(kube.kubectlPath, [
    '--kubeconfig',
    kube.kubeconfig,
    'diff',
    '--server-side',
    '--force-conflicts',
    '--field-manager=argocd-controller',
    '-f',
    sourceDir,
  ]);
  const reported = driftOf(audit.stdout);
  const exact = reported.length === expected.length && reported.every((line, index) => line === expected[index]);
  if (!exact) process.stderr.write(`expected:\n${expected.join('\n')}\nreported:\n${reported.join('\n')}\n`);
  return `cluster: objects ${world.objects}, audit ${audit.seconds.toFixed(2)} s, kubectl get ${get.seconds.toFixed(2)} s (ratio ${(audit.seconds / get.seconds).toFixed(1)}), kubectl diff ${diff.seconds.toFixed(2)} s (${(diff.seconds / audit.seconds).toFixed(1)}× slower), requests ${requests}, drift exact ${exact ? 'yes' : 'no'}\n`;
}

/** The requests of one audit, counted at a proxy in front of the apiserver that holds the credentials. */
async function countRequests(kube: KubeWorld, auditArgs: (kubeconfig: string) => string[]): Promise<number> {
  const proxy = await startKubeProxy(kube.server, kube.kubeconfig);
  try {
    const counted = join(dir, 'proxied.kubeconfig');
    writeFileSync(counted, proxiedKubeconfig(proxy.url));
    await timed(process.execPath, auditArgs(counted));
    if (process.env['BENCH_DEBUG'])
      process.stderr.write(`${proxy.records.map((record) => `${record.method} ${record.path}`).join('\n')}\n`);
    return proxy.records.length;
  } finally {
    await proxy.stop();
  }
}

const world = await startWorld({ kube: true, moto: false, slack: false });
try {
  if (!world.kube) throw new Error('the test world has no Kubernetes');
  process.stdout.write(await bench(world.kube));
} finally {
  await world.stop();
}
