import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FINISH_RESERVE_MS } from '../../lib/pipeline/run-cluster.ts';
import type { Report } from '../../lib/report/report.ts';
import { sha256Hex } from '../../lib/store/s3.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import type { KubeWorld } from '../world/kube.ts';
import type { SlackReceiver } from '../world/slack.ts';
import { S3_INTERNAL_ERROR, startFaultProxy } from '../world/fault-proxy.ts';
import type { FaultProxy } from '../world/fault-proxy.ts';
import {
  awsClients,
  captureOutput,
  drainQueue,
  lambdaContext,
  loadHandlers,
  sqsEvent,
  uploadSource,
} from '../world/lambda-harness.ts';
import type { PipelineHandlers, QueuedMessage } from '../world/lambda-harness.ts';
import { ledgerManifests } from '../world/ledger.ts';
import { presignedUrlExpiry } from '../world/presigned.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * The AWS pipeline end to end against the real test world: moto_server for S3/SNS/SQS/Secrets Manager, a real
 * kube-apiserver reached through a kubeconfig stored in Secrets Manager, a snapshot cluster, and the Slack receiver.
 */
const BUCKET = 'driftwatch-reports-e2e';
const SOURCE_BUCKET = 'driftwatch-source-e2e';
const LIVE_PASSWORD = 'payments-db-password-e2e';

let world: World;
let kube: KubeWorld;
let slack: SlackReceiver;
let workDir: string;
let clients: { s3: S3Client; sqs: SQSClient };
let auditQueueUrl: string;
let subscriberQueueUrl: string;
let scheduleHandler: PipelineHandlers['schedule'];
let auditHandler: PipelineHandlers['audit'];
const logLines: string[] = [];
/** Every SNS message that reached the subscriber queue, for the leak check at the end. */
const snsBodies: string[] = [];
let kubeconfigText: string;
/** moto_server itself; the handlers reach it through the fault proxy. */
let motoUrl: string;
let proxy: FaultProxy;

function captured<T>(run: () => Promise<T>): Promise<T> {
  return captureOutput(logLines, run);
}

const LIVE_MANIFESTS = ledgerManifests({ replicas: 2, secretPassword: LIVE_PASSWORD });

/** One scheduled run: the schedule handler enqueues, the audit handler consumes one message per invocation. */
async function runOnce(
  options: { remainingMs?: number } = {},
): Promise<{ runId: string; failures: number; messages: QueuedMessage[] }> {
  const scheduled = await captured(() =>
    scheduleHandler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, lambdaContext('schedule')),
  );
  const messages = await drainQueue(clients.sqs, auditQueueUrl);
  expect(messages).toHaveLength(scheduled.clusters);
  let failures = 0;
  for (const message of messages) failures += await deliver(message, options.remainingMs);
  return { runId: scheduled.runId, failures, messages };
}

/** Hands one queued message to the audit handler, as the SQS event source does; returns its batch item failures. */
async function deliver(message: QueuedMessage, remainingMs?: number): Promise<number> {
  const response = await captured(() => auditHandler(sqsEvent(message), lambdaContext('audit', remainingMs)));
  return response.batchItemFailures.length;
}

/** Runs with another config (the handlers read DRIFTWATCH_CONFIG on every invocation), then puts the main one back. */
async function withConfig<T>(lines: readonly string[], run: () => Promise<T>): Promise<T> {
  const main = process.env['DRIFTWATCH_CONFIG'];
  const other = join(workDir, `driftwatch-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(other, [...lines, ''].join('\n'));
  process.env['DRIFTWATCH_CONFIG'] = other;
  try {
    return await run();
  } finally {
    process.env['DRIFTWATCH_CONFIG'] = main;
  }
}

async function snsMessages(): Promise<
  Array<{ Subject: string; Message: string; MessageAttributes: Record<string, { Type: string; Value: string }> }>
> {
  const messages = await drainQueue(clients.sqs, subscriberQueueUrl);
  snsBodies.push(...messages.map((message) => message.body));
  return messages.map(
    (message) =>
      JSON.parse(message.body) as {
        Subject: string;
        Message: string;
        MessageAttributes: Record<string, { Type: string; Value: string }>;
      },
  );
}

async function latestReport(cluster: string): Promise<Report> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `latest/${cluster}.json` }));
  return JSON.parse((await object.Body?.transformToString('utf8')) ?? '') as Report;
}

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: true, slack: true });
  if (!world.kube || !world.slack || !world.env.AWS_ENDPOINT_URL) throw new Error('the test world is incomplete');
  kube = world.kube;
  slack = world.slack;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-e2e-'));
  motoUrl = world.env.AWS_ENDPOINT_URL;
  proxy = await startFaultProxy(motoUrl);
  // The handlers' AWS clients go through the fault proxy; the test's own clients talk to moto directly.
  const { s3, sqs, sns, secrets } = awsClients(motoUrl, proxy.url);
  clients = { s3, sqs };
  await uploadSource(
    s3,
    workDir,
    { source: SOURCE_BUCKET, reports: BUCKET },
    { 'clusters/live/payments.yaml': LIVE_MANIFESTS },
    { 'clusters/demo': join(REPO_ROOT, 'examples/gitops/clusters/demo') },
  );

  // The live cluster: applied from Git, reached through a kubeconfig kept in Secrets Manager.
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], {
    input: LIVE_MANIFESTS,
  });
  kubeconfigText = readFileSync(kube.kubeconfig, 'utf8');
  await secrets.send(new CreateSecretCommand({ Name: 'driftwatch/live-kubeconfig', SecretString: kubeconfigText }));
  await secrets.send(new CreateSecretCommand({ Name: 'driftwatch/slack-webhook', SecretString: slack.url }));

  const topic = await sns.send(new CreateTopicCommand({ Name: 'driftwatch-e2e' }));
  const auditQueue = await sqs.send(new CreateQueueCommand({ QueueName: 'driftwatch-audit-e2e' }));
  const subscriberQueue = await sqs.send(new CreateQueueCommand({ QueueName: 'driftwatch-subscriber-e2e' }));
  auditQueueUrl = auditQueue.QueueUrl ?? '';
  subscriberQueueUrl = subscriberQueue.QueueUrl ?? '';
  const subscriberArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: subscriberQueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.['QueueArn'];
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: subscriberArn }));

  const config = join(workDir, 'driftwatch.yaml');
  writeFileSync(
    config,
    [
      'source:',
      `  location: s3://${SOURCE_BUCKET}/gitops.tar.gz`,
      'clusters:',
      '  - name: live',
      '    path: clusters/live',
      '    kubeconfigSecret: { secretId: driftwatch/live-kubeconfig }',
      '    includeSecrets: true',
      '  - name: demo',
      '    path: clusters/demo',
      `    snapshot: ${join(REPO_ROOT, 'examples/live/demo-cluster.yaml')}`,
      '',
    ].join('\n'),
  );
  const handlers = await loadHandlers({
    config,
    auditQueueUrl,
    bucket: BUCKET,
    topicArn: topic.TopicArn ?? '',
    slackWebhookSecretId: 'driftwatch/slack-webhook',
  });
  scheduleHandler = handlers.schedule;
  auditHandler = handlers.audit;
}, 600_000);

afterAll(async () => {
  await proxy?.stop();
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('hourly pipeline', () => {
  test('first run: one message per cluster, reports in S3 with the partitioned layout, SNS and Slack notified', async () => {
    await kube.kubectl([
      'set',
      'image',
      'deployment/ledger',
      'ledger=registry.example.com/payments/ledger:5.1.1-hotfix',
      '-n',
      'payments',
    ]);
    const { runId, failures } = await runOnce();
    expect(failures).toBe(0);
    const listing = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keys = (listing.Contents ?? []).map((object) => object.Key ?? '').sort();
    for (const cluster of ['live', 'demo']) {
      expect(keys).toContain(`latest/${cluster}.json`);
      expect(
        keys.some((key) =>
          new RegExp(`^reports/cluster=${cluster}/dt=\\d{4}-\\d{2}-\\d{2}/\\d{8}T\\d{6}Z-${runId}\\.json$`).test(key),
        ),
      ).toBe(true);
      expect(
        keys.some((key) =>
          new RegExp(`^findings/cluster=${cluster}/dt=\\d{4}-\\d{2}-\\d{2}/\\d{8}T\\d{6}Z-${runId}\\.ndjson$`).test(
            key,
          ),
        ),
      ).toBe(true);
    }
    const reportKey = keys.find((key) => key.startsWith('reports/cluster=live/')) ?? '';
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: reportKey }));
    const body =
      (await (
        await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: reportKey }))
      ).Body?.transformToString('utf8')) ?? '';
    expect(head.Metadata?.['sha256']).toBe(sha256Hex(body));
    expect(head.ServerSideEncryption).toBe('AES256');

    const live = await latestReport('live');
    expect(live.drift).toMatchObject([
      {
        kind: 'Deployment',
        name: 'ledger',
        status: 'modified',
        history: 'new',
        changes: [{ manager: 'kubectl-set', history: 'new' }],
      },
    ]);

    const messages = await snsMessages();
    expect(messages.map((message) => message.MessageAttributes['cluster']?.Value).sort()).toEqual(['demo', 'live']);
    for (const message of messages) {
      expect(message.Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
      expect(Buffer.byteLength(message.Message)).toBeLessThan(256 * 1024);
      expect(message.MessageAttributes['status']?.Value).toBe('drift');
      expect(Number(message.MessageAttributes['new']?.Value)).toBeGreaterThan(0);
      // The message says when its link stops working, and that is what the URL itself carries.
      const link = (JSON.parse(message.Message) as { report: { url?: string; urlExpiresAt?: string } }).report;
      expect(link.urlExpiresAt).toBe(presignedUrlExpiry(link.url ?? '').expiresAt);
      expect(presignedUrlExpiry(link.url ?? '').expiresSeconds).toBe(24 * 3600);
    }
    const posts = slack.requests.filter((request) => request.path.startsWith('/services/'));
    expect(posts).toHaveLength(2);
    for (const post of posts) {
      const payload = JSON.parse(post.body) as {
        blocks: Array<{ text?: { text?: string }; elements?: Array<{ url?: string; text?: unknown }> }>;
      };
      expect(payload.blocks.length).toBeLessThanOrEqual(50);
      for (const block of payload.blocks) expect((block.text?.text ?? '').length).toBeLessThan(3000);
      const url = payload.blocks.flatMap((block) => block.elements ?? []).find((element) => element.url)?.url ?? '';
      const said = payload.blocks
        .flatMap((block) => block.elements ?? [])
        .map((element) => element.text)
        .find((text) => typeof text === 'string' && text.startsWith('The link works until'));
      expect(said).toBe(`The link works until ${presignedUrlExpiry(url).expiresAt}.`);
    }
  });

  test('second run with no change sends nothing', async () => {
    slack.reset();
    const { failures } = await runOnce();
    expect(failures).toBe(0);
    expect(await snsMessages()).toEqual([]);
    expect(slack.requests).toEqual([]);
    const live = await latestReport('live');
    expect(live.drift[0]).toMatchObject({ history: 'persisting' });
  });

  test('after the drift is fixed in the cluster, the run reports it resolved and notifies once', async () => {
    slack.reset();
    await kube.kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=argocd-controller', '-f', '-'],
      { input: LIVE_MANIFESTS },
    );
    await runOnce();
    const live = await latestReport('live');
    expect(live.drift).toEqual([]);
    expect(live.history?.resolved).toMatchObject([
      { kind: 'Deployment', name: 'ledger', path: '/spec/template/spec/containers/name=ledger/image' },
    ]);
    const messages = await snsMessages();
    expect(messages.map((message) => message.MessageAttributes['cluster']?.Value)).toEqual(['live']);
    expect(Number(messages[0]?.MessageAttributes['resolved']?.Value)).toBe(1);
    expect(slack.requests).toHaveLength(1);
  });

  test('Slack answering 429 then 200 still delivers, and SNS is not held up', async () => {
    slack.reset();
    slack.failNext(1, 429, 1);
    await kube.kubectl(['scale', 'deployment/ledger', '--replicas=4', '-n', 'payments']);
    const { failures } = await runOnce();
    expect(failures).toBe(0);
    expect(slack.requests.map((request) => request.status)).toEqual([429, 200]);
    expect((await snsMessages()).map((message) => message.MessageAttributes['cluster']?.Value)).toEqual(['live']);
  });

  test('a Slack that keeps failing loses neither the report nor the SNS message, and the failure is logged and counted', async () => {
    slack.reset();
    slack.failNext(10, 500);
    await kube.kubectl(['label', 'deployment/ledger', 'hotfix=true', '-n', 'payments']);
    const linesBefore = logLines.length;
    const { runId, failures } = await runOnce();
    expect(failures).toBe(0);
    const live = await latestReport('live');
    expect(live.runId).toBe(runId);
    expect((await snsMessages()).map((message) => message.MessageAttributes['cluster']?.Value)).toEqual(['live']);
    expect(slack.requests.length).toBeGreaterThan(1);
    expect(slack.requests.every((request) => request.status === 500)).toBe(true);
    const newLines = logLines.slice(linesBefore).join('');
    expect(newLines).toContain('Slack notification failed');
    expect(newLines).toMatch(/"SlackFailures":1/);
  }, 60_000);

  test('nothing of a Secret value, token or webhook URL appears in S3, SNS, Slack or the logs', async () => {
    const listing = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const bodies: string[] = [];
    for (const object of listing.Contents ?? []) {
      const response = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key }));
      bodies.push((await response.Body?.transformToString('utf8')) ?? '');
    }
    const everything = [...bodies, ...logLines, ...snsBodies, ...slack.requests.map((request) => request.body)].join(
      '\n',
    );
    expect(snsBodies.length).toBeGreaterThan(0);
    const clientKey = /client-key-data: (\S+)/.exec(kubeconfigText)?.[1] ?? 'missing-client-key';
    const forbidden = [
      LIVE_PASSWORD,
      Buffer.from(LIVE_PASSWORD).toString('base64'),
      clientKey,
      slack.url,
      new URL(slack.url).pathname,
      'demo-only-not-a-real-password',
      'rotated-by-hand',
    ];
    for (const value of forbidden) expect(everything.includes(value), value.slice(0, 12)).toBe(false);
    expect(logLines.some((line) => line.includes('"cluster":"live"'))).toBe(true);
  });
});

describe('a cluster that cannot be audited is still reported and notified', () => {
  test('an unreachable apiserver and a hung one (the Lambda about to time out) each get an error report, SNS and Slack, no retry', async () => {
    // Accepts connections and never answers: the audit can only end by the deadline kept before the Lambda's timeout.
    const sockets = new Set<Socket>();
    const hung = createNetServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const kubeconfigAt = (port: number): string => kubeconfigText.replace(kube.server, `https://127.0.0.1:${port}`);
    const secrets = new SecretsManagerClient({ endpoint: motoUrl });
    await secrets.send(
      new CreateSecretCommand({ Name: 'driftwatch/gone-kubeconfig', SecretString: kubeconfigAt(closedPort) }),
    );
    await secrets.send(
      new CreateSecretCommand({
        Name: 'driftwatch/hung-kubeconfig',
        SecretString: kubeconfigAt((hung.address() as AddressInfo).port),
      }),
    );
    slack.reset();
    const linesBefore = logLines.length;
    try {
      const started = Date.now();
      const { failures } = await withConfig(
        [
          'source:',
          `  location: s3://${SOURCE_BUCKET}/gitops.tar.gz`,
          'clusters:',
          '  - name: gone',
          '    path: clusters/live',
          '    kubeconfigSecret: { secretId: driftwatch/gone-kubeconfig }',
          '  - name: hung',
          '    path: clusters/live',
          '    kubeconfigSecret: { secretId: driftwatch/hung-kubeconfig }',
        ],
        () => runOnce({ remainingMs: FINISH_RESERVE_MS + 1500 }),
      );
      expect(failures).toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      const gone = await latestReport('gone');
      expect(gone.scan.complete).toBe(false);
      expect(gone.scan.error ?? gone.scan.lists.find((list) => list.status !== 'listed')?.error).toBeTruthy();
      const hungReport = await latestReport('hung');
      expect(hungReport.scan).toMatchObject({
        complete: false,
        error: expect.stringMatching(/did not finish in time/),
      });
      const messages = await snsMessages();
      expect(messages.map((message) => message.MessageAttributes['cluster']?.Value).sort()).toEqual(['gone', 'hung']);
      expect(slack.requests.filter((request) => request.status === 200)).toHaveLength(2);
      const newLines = logLines.slice(linesBefore).join('');
      expect(newLines).toContain('storing an error report');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  }, 60_000);
});

describe('nothing lost, nothing sent twice (delivery state in state/<cluster>.json)', () => {
  const liveMessage = (messages: readonly QueuedMessage[]): QueuedMessage => {
    const found = messages.find((message) => (JSON.parse(message.body) as { cluster?: string }).cluster === 'live');
    if (!found) throw new Error('no message for cluster live');
    return found;
  };
  const datedReportsOf = async (runId: string): Promise<string[]> => {
    const listing = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/cluster=live/' }),
    );
    return (listing.Contents ?? []).map((object) => object.Key ?? '').filter((key) => key.endsWith(`-${runId}.json`));
  };

  test('the news Slack missed while it was failing arrives on the next run, merged and once; SNS is not told again', async () => {
    // The last run of the hourly pipeline could not reach Slack: its label change is still news for Slack only.
    slack.reset();
    const { failures } = await runOnce();
    expect(failures).toBe(0);
    expect(await snsMessages()).toEqual([]);
    expect(slack.requests.map((request) => request.status)).toEqual([200]);
    expect(slack.requests[0]?.body).toContain('hotfix');
    slack.reset();
    await runOnce();
    expect(slack.requests).toEqual([]);
    expect(await snsMessages()).toEqual([]);
  });

  test('the same message handled twice sends nothing twice and makes no second history step', async () => {
    await kube.kubectl(['annotate', 'deployment/ledger', 'e2e.example.com/twice=yes', '-n', 'payments']);
    slack.reset();
    const { runId, failures, messages } = await runOnce();
    expect(failures).toBe(0);
    expect((await snsMessages()).map((message) => message.MessageAttributes['cluster']?.Value)).toEqual(['live']);
    expect(slack.requests).toHaveLength(1);
    const stored = await latestReport('live');
    expect(await deliver(liveMessage(messages))).toBe(0);
    expect(await snsMessages()).toEqual([]);
    expect(slack.requests).toHaveLength(1);
    expect(await latestReport('live')).toEqual(stored);
    expect(await datedReportsOf(runId)).toHaveLength(1);
  });

  test('killed between notify and latest/ (S3 answering 500 to that put): the retry writes latest/ and tells nobody again', async () => {
    const before = await latestReport('live');
    await kube.kubectl(['annotate', 'deployment/ledger', 'e2e.example.com/killed=yes', '-n', 'payments']);
    slack.reset();
    proxy.add({
      name: 'latest-live-500',
      match: (request) => request.method === 'PUT' && request.path.startsWith(`/${BUCKET}/latest/live.json`),
      fault: S3_INTERNAL_ERROR,
    });
    let run: Awaited<ReturnType<typeof runOnce>>;
    try {
      run = await runOnce();
    } finally {
      proxy.clear();
    }
    expect(run.failures).toBe(1);
    expect(proxy.records.filter((record) => record.outcome === 'latest-live-500').length).toBeGreaterThan(0);
    expect((await snsMessages()).map((message) => message.MessageAttributes['cluster']?.Value)).toEqual(['live']);
    expect(slack.requests).toHaveLength(1);
    expect((await latestReport('live')).runId).toBe(before.runId);

    expect(await deliver(liveMessage(run.messages))).toBe(0);
    expect(await snsMessages()).toEqual([]);
    expect(slack.requests).toHaveLength(1);
    const latest = await latestReport('live');
    expect(latest.runId).toBe(run.runId);
    expect(latest.history?.previousRunId).toBe(before.runId);
    expect(await datedReportsOf(run.runId)).toHaveLength(1);
  }, 60_000);

  test('a corrupt latest/ report is recorded in the next report (history.previous: invalid), and no channel is told stale news again', async () => {
    await clients.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'latest/live.json', Body: '{"cluster":"live", "truncated' }),
    );
    slack.reset();
    const { failures } = await runOnce();
    expect(failures).toBe(0);
    const latest = await latestReport('live');
    expect(latest.history?.previous).toEqual({ status: 'invalid', reason: 'not JSON' });
    expect(latest.drift[0]?.history).toBe('new');
    // Each channel compares with the last report it had, not with the unreadable one: nothing is news to it.
    expect(await snsMessages()).toEqual([]);
    expect(slack.requests).toEqual([]);
  });
});
