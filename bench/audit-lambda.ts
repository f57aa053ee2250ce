/**
 * One cluster audit through the real audit handler at scale, on the test world: 2,000 declared objects (800
 * Deployments, 800 Services, 400 ConfigMaps in 20 namespaces) applied to the real kube-apiserver by the GitOps applier,
 * 10,000 live (plus 1,600 ReplicaSets owned by the Deployments and 6,400 Events), 40 Deployments' images changed by
 * hand. The source is a tarball in S3 (moto), the kubeconfig in Secrets Manager, the report goes to S3 and SNS.
 *
 *   node bench/audit-lambda.ts [--rounds 2]
 *
 * Each round is a fresh Node process (a cold Lambda: modules loaded, source read, clusters listed) running the
 * handler once for one SQS message; it prints the handler's wall time, its CPU time and the process's peak RSS.
 * Round 2 onwards is the next hour (history against round 1's report). Not a test: numbers, no assertion but the
 * seeded drift being found.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Report } from '../lib/report/report.ts';
import {
  awsClients,
  lambdaContext,
  pipelineQueues,
  setHandlerEnv,
  sqsEvent,
  uploadSource,
} from '../test/world/lambda-harness.ts';
import type { PipelineHandlers } from '../test/world/lambda-harness.ts';
import { startWorld } from '../test/world/testenv.ts';

type Json = Record<string, unknown>;
const NAMESPACES = 20;
const PER_NAMESPACE = { deployments: 40, services: 40, configMaps: 20 };
const REPLICASETS_PER_DEPLOYMENT = 2;
const EVENTS = 6400;
const DRIFTED = 40;
const BUCKET = 'driftwatch-bench-reports';
const HERE = fileURLToPath(new URL('.', import.meta.url));

function labels(name: string): Json {
  return { app: name };
}

function podTemplate(name: string, image: string): Json {
  return {
    metadata: { labels: labels(name) },
    spec: {
      containers: [
        {
          name: 'main',
          image,
          ports: [{ containerPort: 8080, name: 'http' }],
          env: Array.from({ length: 8 }, (_, index) => ({ name: `VAR_${index}`, value: `value-${index}` })),
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        },
      ],
    },
  };
}

/** The declared objects: what Git holds and the applier applied. */
function declaredObjects(): Json[] {
  const objects: Json[] = [];
  for (let ns = 0; ns < NAMESPACES; ns++) {
    const namespace = `bench-${ns}`;
    for (let index = 0; index < PER_NAMESPACE.deployments; index++) {
      const name = `app-${index}`;
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: labels(name) },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels(name) },
          template: podTemplate(name, `registry.example.com/${name}:1.0.${index}`),
        },
      });
    }
    for (let index = 0; index < PER_NAMESPACE.services; index++) {
      const name = `app-${index}`;
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace },
        spec: { selector: labels(name), ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
    }
    for (let index = 0; index < PER_NAMESPACE.configMaps; index++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `settings-${index}`, namespace },
        data: Object.fromEntries(Array.from({ length: 10 }, (_, key) => [`key-${key}`, `value-${index}-${key}`])),
      });
    }
  }
  return objects;
}

function list(items: Json[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

type Kubectl = (args: string[], options?: { input?: string }) => Promise<unknown>;

/** Applies (or creates) objects in chunks, four kubectl processes at a time. */
async function inChunks(kubectl: Kubectl, args: string[], objects: Json[]): Promise<void> {
  const chunks: Json[][] = [];
  for (let start = 0; start < objects.length; start += 400) chunks.push(objects.slice(start, start + 400));
  const workers = Array.from({ length: 4 }, async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift())
      await kubectl([...args, '-f', '-'], { input: list(chunk) });
  });
  await Promise.all(workers);
}

async function child(): Promise<void> {
  const env = JSON.parse(process.env['BENCH_HANDLER_ENV'] ?? '{}') as Parameters<typeof setHandlerEnv>[0];
  setHandlerEnv(env);
  const loading = performance.now();
  const audit = (await import('../functions/audit.ts')).handler as unknown as PipelineHandlers['audit'];
  const initMs = performance.now() - loading;
  const body = process.env['BENCH_MESSAGE'] ?? '';
  const cpu = process.cpuUsage();
  const started = performance.now();
  const writes = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const response = await audit(sqsEvent({ body, id: 'bench' }), lambdaContext('audit', 290_000));
  process.stdout.write = writes;
  const used = process.cpuUsage(cpu);
  const heap = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ initMs, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, heapUsedMiB: heap.heapUsed / 2 ** 20, failures: response.batchItemFailures.length })}\n`,
  );
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 2) || 2;
  const world = await startWorld({ kube: true, moto: true, slack: false });
  const workDir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-lambda-'));
  try {
    const kube = world.kube;
    const motoUrl = world.env.AWS_ENDPOINT_URL;
    if (!kube || !motoUrl) throw new Error('the test world is incomplete');
    const kubectl: Kubectl = (args, options) => kube.kubectl(args, options);
    const declared = declaredObjects();
    const loadStarted = performance.now();
    await kubectl(['apply', '--server-side', '-f', '-'], {
      input: list(
        Array.from({ length: NAMESPACES }, (_, ns) => ({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: `bench-${ns}` },
        })),
      ),
    });
    await inChunks(kubectl, ['apply', '--server-side', '--field-manager=argocd-controller'], declared);
    // What a Deployment controller would have made (there is none in the test world): two ReplicaSets each.
    const uids = JSON.parse(
      execFileSync(kube.kubectlPath, ['--kubeconfig', kube.kubeconfig, 'get', 'deployments', '-A', '-o', 'json'], {
        maxBuffer: 1 << 28,
      }).toString(),
    ) as { items: Array<{ metadata: { name: string; namespace: string; uid: string } }> };
    const replicaSets = uids.items.flatMap(({ metadata }) =>
      Array.from({ length: REPLICASETS_PER_DEPLOYMENT }, (_, revision) => ({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${metadata.name}-rev${revision + 1}`,
          namespace: metadata.namespace,
          labels: labels(metadata.name),
          annotations: { 'deployment.kubernetes.io/revision': String(revision + 1) },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: metadata.name, uid: metadata.uid, controller: true },
          ],
        },
        spec: {
          replicas: revision === 1 ? 2 : 0,
          selector: { matchLabels: labels(metadata.name) },
          template: podTemplate(metadata.name, `registry.example.com/${metadata.name}:1.0.${revision}`),
        },
      })),
    );
    await inChunks(kubectl, ['apply', '--server-side', '--field-manager=kube-controller-manager'], replicaSets);
    const events = Array.from({ length: EVENTS }, (_, index) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `app-${index % PER_NAMESPACE.deployments}.${index}`, namespace: `bench-${index % NAMESPACES}` },
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: `app-${index % PER_NAMESPACE.deployments}`,
        namespace: `bench-${index % NAMESPACES}`,
      },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set',
      type: 'Normal',
      source: { component: 'deployment-controller' },
      firstTimestamp: '2026-12-03T08:00:00Z',
      lastTimestamp: '2026-12-03T08:00:00Z',
      count: 1,
    }));
    await inChunks(kubectl, ['apply', '--server-side', '--field-manager=kube-controller-manager'], events);
    // The drift: 40 images changed by hand (kubectl set image's manager).
    const drifted = Array.from({ length: DRIFTED }, (_, index) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${index}`, namespace: `bench-${index % NAMESPACES}` },
      spec: {
        template: { spec: { containers: [{ name: 'main', image: `registry.example.com/app-${index}:hotfix` }] } },
      },
    }));
    await kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=kubectl-set', '--validate=false', '-f', '-'],
      { input: list(drifted) },
    );
    const live = declared.length + replicaSets.length + events.length;
    console.log(
      `[bench] loaded ${declared.length} declared / ${live} live objects into kube-apiserver in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`,
    );

    const { s3, sqs, sns, secrets } = awsClients(motoUrl, motoUrl);
    const files: Record<string, string> = {};
    for (let start = 0; start < declared.length; start += 100)
      files[`clusters/bench/objects-${String(start / 100).padStart(2, '0')}.json`] = list(
        declared.slice(start, start + 100),
      );
    await uploadSource(s3, workDir, { source: 'driftwatch-bench-source', reports: BUCKET }, files);
    await secrets.send(
      new CreateSecretCommand({ Name: 'bench/kubeconfig', SecretString: readFileSync(kube.kubeconfig, 'utf8') }),
    );
    const queues = await pipelineQueues(sqs, sns, 'bench');
    const config = join(workDir, 'driftwatch.yaml');
    writeFileSync(
      config,
      [
        'source:',
        '  location: s3://driftwatch-bench-source/gitops.tar.gz',
        'clusters:',
        '  - name: bench',
        '    path: clusters/bench',
        '    kubeconfigSecret: { secretId: bench/kubeconfig }',
        '',
      ].join('\n'),
    );
    const handlerEnv = {
      config,
      auditQueueUrl: queues.auditQueueUrl,
      bucket: BUCKET,
      topicArn: queues.topicArn,
      slackWebhookSecretId: '',
    };
    for (let round = 1; round <= rounds; round++) {
      const rssFile = join(workDir, `rss-${round}`);
      const output = await new Promise<string>((resolve, reject) => {
        const proc = spawn(
          process.execPath,
          ['--import', join(HERE, 'max-rss.mjs'), fileURLToPath(import.meta.url), '--child'],
          {
            env: {
              ...process.env,
              BENCH_RSS_FILE: rssFile,
              BENCH_HANDLER_ENV: JSON.stringify(handlerEnv),
              BENCH_MESSAGE: JSON.stringify({ runId: `bench${round}`, cluster: 'bench' }),
            },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let text = '';
        proc.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        proc.on('error', reject);
        proc.on('exit', (code) =>
          code === 0 ? resolve(text) : reject(new Error(`the audit process exited ${String(code)}`)),
        );
      });
      const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
        initMs: number;
        ms: number;
        cpuMs: number;
        heapUsedMiB: number;
        failures: number;
      };
      const rssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
      const latest = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'latest/bench.json' }));
      const report = JSON.parse((await latest.Body?.transformToString('utf8')) ?? '') as Report;
      const modified = report.drift.filter(
        (entry) => entry.kind === 'Deployment' && entry.status === 'modified',
      ).length;
      console.log(
        `[bench] round ${round}: module init ${(result.initMs / 1000).toFixed(2)} s (from source, not the bundle), handler ${(result.ms / 1000).toFixed(2)} s, CPU ${(result.cpuMs / 1000).toFixed(2)} s, peak RSS ${rssMiB.toFixed(0)} MiB, heap at end ${result.heapUsedMiB.toFixed(0)} MiB; ` +
          `report complete ${String(report.scan.complete)}, drift ${report.drift.length} (${modified} Deployments modified, ${DRIFTED} seeded), findings ${report.findings?.length ?? 0}, failures ${result.failures}`,
      );
    }
  } finally {
    await world.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) await child();
else await main();
