import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Report } from '../../lib/report/report.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { presignedUrlExpiry } from '../world/presigned.ts';
import {
  awsClients,
  captureOutput,
  drainQueue,
  lambdaContext,
  pipelineQueues,
  setHandlerEnv,
  sqsEvent,
  uploadSource,
} from '../world/lambda-harness.ts';
import type { PipelineHandlers } from '../world/lambda-harness.ts';
import type { SlackReceiver } from '../world/slack.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * Twenty clusters in one hourly run, five audited at a time, as the SQS event source with `maximumConcurrency: 5`
 * runs them: five warm Lambda environments (each its own import of the handler module, so its own source cache and
 * batch processor) taking messages off the real queue on moto. Ten clusters are the real kube-apiserver (a namespace
 * each, drifted by hand), ten are snapshots. Every cluster must be reported exactly once: one dated report, one
 * `latest/`, one SNS message, one Slack message.
 */
const BUCKET = 'driftwatch-reports-scale';
const SOURCE_BUCKET = 'driftwatch-source-scale';
const CONCURRENCY = 5;
const LIVE = Array.from({ length: 10 }, (_, index) => `live-${index}`);
const SNAPSHOTS = Array.from({ length: 10 }, (_, index) => `snap-${index}`);
const CLUSTERS = [...LIVE, ...SNAPSHOTS];

let world: World;
let slack: SlackReceiver;
let workDir: string;
let clients: { s3: S3Client; sqs: SQSClient };
let auditQueueUrl: string;
let subscriberQueueUrl: string;
let schedule: PipelineHandlers['schedule'];
/** One handler per Lambda environment. */
const environments: Array<PipelineHandlers['audit']> = [];
const logLines: string[] = [];
let signerKeyId = '';

function settings(index: number): string {
  return [
    `apiVersion: v1`,
    `kind: ConfigMap`,
    `metadata: {name: settings, namespace: scale-${index}}`,
    `data: {mode: blue}`,
    '',
  ].join('\n');
}

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: true, slack: true });
  if (!world.kube || !world.slack || !world.env.AWS_ENDPOINT_URL) throw new Error('the test world is incomplete');
  const kube = world.kube;
  slack = world.slack;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-scale-'));
  const { s3, sqs, sns, secrets } = awsClients(world.env.AWS_ENDPOINT_URL, world.env.AWS_ENDPOINT_URL);
  clients = { s3, sqs };
  const files: Record<string, string> = {};
  for (const index of LIVE.keys()) files[`clusters/live-${index}/settings.yaml`] = settings(index);
  await uploadSource(s3, workDir, { source: SOURCE_BUCKET, reports: BUCKET }, files, {
    'clusters/demo': join(REPO_ROOT, 'examples/gitops/clusters/demo'),
  });

  // Each live cluster: its namespace applied from Git, then changed by hand.
  const namespaces = LIVE.map((_, index) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: scale-${index}}\n`).join(
    '---\n',
  );
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], {
    input: `${namespaces}---\n${LIVE.map((_, index) => settings(index)).join('---\n')}`,
  });
  for (const [index] of LIVE.entries()) {
    await kube.kubectl([
      'patch',
      'configmap/settings',
      '-n',
      `scale-${index}`,
      '--field-manager=kubectl-edit',
      '--type=merge',
      '-p',
      '{"data":{"mode":"green"}}',
    ]);
  }
  await secrets.send(
    new CreateSecretCommand({
      Name: 'driftwatch/scale-kubeconfig',
      SecretString: readFileSync(kube.kubeconfig, 'utf8'),
    }),
  );
  await secrets.send(new CreateSecretCommand({ Name: 'driftwatch/scale-slack', SecretString: slack.url }));
  const queues = await pipelineQueues(sqs, sns, 'scale');
  ({ auditQueueUrl, subscriberQueueUrl } = queues);

  const config = join(workDir, 'driftwatch.yaml');
  const clusterLines = [
    ...LIVE.flatMap((name, index) => [
      `  - name: ${name}`,
      `    path: clusters/live-${index}`,
      '    kubeconfigSecret: { secretId: driftwatch/scale-kubeconfig }',
    ]),
    ...SNAPSHOTS.flatMap((name) => [
      `  - name: ${name}`,
      '    path: clusters/demo',
      `    snapshot: ${join(REPO_ROOT, 'examples/live/demo-cluster.yaml')}`,
    ]),
  ];
  writeFileSync(
    config,
    ['source:', `  location: s3://${SOURCE_BUCKET}/gitops.tar.gz`, 'clusters:', ...clusterLines, ''].join('\n'),
  );
  setHandlerEnv({
    config,
    auditQueueUrl,
    bucket: BUCKET,
    topicArn: queues.topicArn,
    slackWebhookSecretId: 'driftwatch/scale-slack',
  });
  schedule = (await import('../../functions/schedule.ts')).handler as unknown as PipelineHandlers['schedule'];
  // Report links signed by the report-link signer (an IAM user, its key in Secrets Manager, as infra/iam.yml makes
  // them); the last environment is deployed with a signer secret that cannot be read, so its links fall back to the
  // function's own credentials, and every message still goes out and states what its link carries.
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: world.env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await iam.send(new CreateUserCommand({ UserName: 'scale-report-link-signer' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'scale-report-link-signer' }))).AccessKey;
  signerKeyId = key?.AccessKeyId ?? '';
  await secrets.send(
    new CreateSecretCommand({
      Name: 'driftwatch/scale-link-signer',
      SecretString: JSON.stringify({ accessKeyId: key?.AccessKeyId, secretAccessKey: key?.SecretAccessKey }),
    }),
  );
  for (let index = 0; index < CONCURRENCY; index++) {
    process.env['REPORT_LINK_SIGNER_SECRET_ID'] =
      index < CONCURRENCY - 1 ? 'driftwatch/scale-link-signer' : 'driftwatch/scale-no-such-secret';
    // A fresh module graph per environment: what one Lambda execution environment holds, it holds alone.
    vi.resetModules();
    environments.push((await import('../../functions/audit.ts')).handler as unknown as PipelineHandlers['audit']);
  }
  delete process.env['REPORT_LINK_SIGNER_SECRET_ID'];
}, 240_000);

afterAll(async () => {
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** One environment: takes a message off the queue, audits it, deletes it unless it failed; stops when the queue is empty. */
async function environment(
  audit: PipelineHandlers['audit'],
  stats: { inFlight: number; peak: number; failures: number; handled: string[]; ms: number[] },
): Promise<void> {
  for (;;) {
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: auditQueueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 600,
      }),
    );
    const message = received.Messages?.[0];
    if (!message) return;
    stats.inFlight++;
    stats.peak = Math.max(stats.peak, stats.inFlight);
    const started = performance.now();
    const response = await audit(
      sqsEvent({ body: message.Body ?? '', id: message.MessageId ?? '' }),
      lambdaContext('audit', 280_000),
    );
    stats.ms.push(performance.now() - started);
    stats.inFlight--;
    stats.handled.push((JSON.parse(message.Body ?? '{}') as { cluster?: string }).cluster ?? '');
    if (response.batchItemFailures.length > 0) stats.failures++;
    else
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: auditQueueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
  }
}

describe('20 clusters, 5 at a time', () => {
  test('every cluster is audited, stored and told exactly once', async () => {
    const stats = { inFlight: 0, peak: 0, failures: 0, handled: [] as string[], ms: [] as number[] };
    const started = performance.now();
    const { runId } = await captureOutput(logLines, async () => {
      const scheduled = await schedule(
        { source: 'aws.events', 'detail-type': 'Scheduled Event' },
        lambdaContext('schedule'),
      );
      expect(scheduled.clusters).toBe(CLUSTERS.length);
      await Promise.all(environments.map((audit) => environment(audit, stats)));
      return scheduled;
    });
    const wall = performance.now() - started;
    const sorted = [...stats.ms].sort((a, b) => a - b);
    console.log(
      `[scale] ${CLUSTERS.length} clusters, ${CONCURRENCY} at a time: ${(wall / 1000).toFixed(1)} s; per audit median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
    );

    expect(stats.failures).toBe(0);
    expect(stats.peak).toBe(CONCURRENCY);
    expect([...stats.handled].sort()).toEqual([...CLUSTERS].sort());
    expect(await drainQueue(clients.sqs, auditQueueUrl)).toEqual([]);

    const keys: string[] = [];
    for (let token: string | undefined, first = true; first || token; first = false) {
      const page = await clients.s3.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'reports/',
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.NextContinuationToken;
    }
    for (const cluster of CLUSTERS) {
      expect(
        keys.filter((key) => key.startsWith(`reports/cluster=${cluster}/`) && key.endsWith(`-${runId}.json`)),
        cluster,
      ).toHaveLength(1);
      const latest = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `latest/${cluster}.json` }));
      const report = JSON.parse((await latest.Body?.transformToString('utf8')) ?? '') as Report;
      expect(report.runId, cluster).toBe(runId);
      expect(report.scan.complete, cluster).toBe(true);
      expect(report.drift.length, cluster).toBeGreaterThan(0);
    }
    const live = JSON.parse(
      (await (
        await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'latest/live-3.json' }))
      ).Body?.transformToString('utf8')) ?? '',
    ) as Report;
    expect(live.drift).toMatchObject([
      {
        kind: 'ConfigMap',
        namespace: 'scale-3',
        name: 'settings',
        status: 'modified',
        changes: [{ path: '/data/mode', manager: 'kubectl-edit' }],
      },
    ]);

    const sns = (await drainQueue(clients.sqs, subscriberQueueUrl)).map(
      (message) =>
        JSON.parse(message.body) as { Message: string; MessageAttributes: Record<string, { Value: string }> },
    );
    expect(sns.map((message) => message.MessageAttributes['cluster']?.Value).sort()).toEqual([...CLUSTERS].sort());
    // Every link says when it stops working, and that is what it carries: 24 h when the signer signed it, the same
    // here for the fallback (the test world's credentials do not expire), and the signer signed most of them.
    const signers = sns.map((message) => {
      const link = (JSON.parse(message.Message) as { report: { url?: string; urlExpiresAt?: string } }).report;
      const carried = presignedUrlExpiry(link.url ?? '');
      expect(link.urlExpiresAt).toBe(carried.expiresAt);
      expect(carried.expiresSeconds).toBe(24 * 3600);
      return carried.accessKeyId;
    });
    expect(new Set(signers)).toEqual(new Set([signerKeyId, 'testing']));
    expect(logLines.some((line) => line.includes("report link signed with the function's own credentials"))).toBe(true);
    expect(logLines.some((line) => line.includes(signerKeyId))).toBe(false);
    expect(logLines.some((line) => line.includes('X-Amz-Signature'))).toBe(false);
    const posts = slack.requests.filter((request) => request.path.startsWith('/services/'));
    const told = posts.map((post) =>
      CLUSTERS.filter((cluster) => (JSON.parse(post.body) as { text: string }).text.includes(cluster)),
    );
    expect(told.map((names) => names.length)).toEqual(CLUSTERS.map(() => 1));
    expect(told.flat().sort()).toEqual([...CLUSTERS].sort());
  }, 300_000);
});
