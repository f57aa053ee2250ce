import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FINISH_RESERVE_MS } from '../../lib/pipeline/run-cluster.ts';
import type { Report } from '../../lib/report/report.ts';
import {
  S3_INTERNAL_ERROR,
  S3_SLOW_DOWN,
  proxiedKubeconfig,
  startFaultProxy,
  startKubeProxy,
} from '../world/fault-proxy.ts';
import type { Fault, FaultProxy, ProxiedRequest } from '../world/fault-proxy.ts';
import type { KubeWorld } from '../world/kube.ts';
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
import type { SlackReceiver } from '../world/slack.ts';
import { WEBHOOK_PATH } from '../world/slack.ts';
import { ledgerManifests } from '../world/ledger.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';
import type { ScenarioResult } from './result.ts';
import { RESULT_FILE } from './result.ts';

/**
 * Faults injected for real: the audit handler runs against the test world (kube-apiserver, moto_server, the Slack
 * receiver) with a fault-injecting proxy in front of each, and every scenario checks what the issue asks of the
 * hourly run: the expected outcome, every scheduled cluster with a report or a DLQ message, each news item on each
 * channel exactly once (after the run that met the fault and one more without it), and nothing falsely resolved.
 *
 * Each scenario makes one news item of its own (an annotation set by hand with kubectl, named after the scenario) and
 * never fixes anything, so any `resolved` item is a false one and the annotation's name counts its deliveries.
 */
const BUCKET = 'driftwatch-reports-faults';
const SOURCE_BUCKET = 'driftwatch-source-faults';
/** SQS hands a failing message over this many times before it moves it to the dead-letter queue (maxReceiveCount). */
const MAX_RECEIVES = 3;

const MANIFESTS = ledgerManifests({ replicas: 1 });

type Expected = 'complete' | 'incomplete' | 'message-retried' | 'dlq';

interface Scenario {
  name: string;
  expected: Expected;
  /** Faults for the run that meets them; cleared before the run after it. */
  kube?: Fault;
  kubeMatch?: (request: ProxiedRequest) => boolean;
  aws?: Fault;
  awsMatch?: (request: ProxiedRequest) => boolean;
  slack?: Fault;
  /** How many matching requests get the fault; unlimited when absent. */
  times?: number;
  /** The Lambda's remaining time at the start of each invocation. */
  remainingMs?: number;
  /**
   * Another Slack webhook secret for this scenario's two runs: the warm function has the usual one cached (5 min), so
   * only a secret it has not read yet goes to Secrets Manager.
   */
  slackSecretId?: string;
}

const deployments = (request: ProxiedRequest): boolean =>
  request.method === 'GET' && /\/deployments(\?|$)/.test(request.path);
const everything = (): boolean => true;
/** The second page of the cluster-wide ReplicaSet list (BULK_REPLICA_SETS make it longer than one page). */
const replicaSetsContinued = (request: ProxiedRequest): boolean =>
  request.method === 'GET' && /\/replicasets\?.*continue=/.test(request.path);
/** More ReplicaSets than one LIST page (500) holds, in a namespace Git does not use: they only make the list paginate. */
const BULK_REPLICA_SETS = 520;

function bulkReplicaSets(): string {
  const items = Array.from({ length: BULK_REPLICA_SETS }, (_, index) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `bulk-${index}`, namespace: 'bulk' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { bulk: String(index) } },
      template: {
        metadata: { labels: { bulk: String(index) } },
        spec: { containers: [{ name: 'c', image: 'registry.example.com/bulk:1.0' }] },
      },
    },
  }));
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}
const snsPublish = (request: ProxiedRequest): boolean =>
  String(request.headers['authorization'] ?? '').includes('/sns/aws4_request');
const putUnder =
  (prefix: string) =>
  (request: ProxiedRequest): boolean =>
    request.method === 'PUT' && request.path.startsWith(`/${BUCKET}/${prefix}`);
const getOf =
  (key: string) =>
  (request: ProxiedRequest): boolean =>
    request.method === 'GET' && request.path.startsWith(`/${BUCKET}/${key}`);
const kubeStatus = (status: number, reason: string, headers: Record<string, string> = {}): Fault => ({
  type: 'status',
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code: status }),
});
const secretsManager = (request: ProxiedRequest): boolean =>
  String(request.headers['authorization'] ?? '').includes('/secretsmanager/aws4_request');
/** SNS speaks the query protocol: a throttled Publish answers 400 with the code Throttling, which the SDK retries. */
const SNS_THROTTLED: Fault = {
  type: 'status',
  status: 400,
  headers: { 'content-type': 'text/xml' },
  body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>faults</RequestId></ErrorResponse>',
};
const SERVICE_UNAVAILABLE: Fault = {
  type: 'status',
  status: 503,
  headers: { 'content-type': 'text/xml' },
  body: '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable</Message></Error></ErrorResponse>',
};

const SCENARIOS: Scenario[] = [
  {
    name: 'apiserver answers 500 to the Deployment list',
    expected: 'incomplete',
    kube: kubeStatus(500, 'InternalError'),
    kubeMatch: deployments,
  },
  {
    name: 'apiserver answers 429 with Retry-After to the Deployment list',
    expected: 'incomplete',
    kube: kubeStatus(429, 'TooManyRequests', { 'retry-after': '1' }),
    kubeMatch: deployments,
  },
  {
    name: 'apiserver answers 403 on one type',
    expected: 'incomplete',
    kube: kubeStatus(403, 'Forbidden'),
    kubeMatch: deployments,
  },
  {
    name: 'apiserver answers 410 Gone to a continue token once (the list restarts from its first page)',
    expected: 'complete',
    kube: kubeStatus(410, 'Expired'),
    kubeMatch: replicaSetsContinued,
    times: 1,
  },
  { name: 'apiserver resets every connection', expected: 'incomplete', kube: { type: 'reset' }, kubeMatch: everything },
  {
    name: 'apiserver slower than the time the Lambda has left',
    expected: 'incomplete',
    kube: { type: 'delay', ms: 8_000 },
    kubeMatch: everything,
    remainingMs: FINISH_RESERVE_MS + 2_000,
  },
  {
    name: 'S3 503 SlowDown on the report put, twice',
    expected: 'complete',
    aws: S3_SLOW_DOWN,
    awsMatch: putUnder('reports/'),
    times: 2,
  },
  {
    name: 'S3 500 on the report put, a whole invocation long',
    expected: 'message-retried',
    aws: S3_INTERNAL_ERROR,
    awsMatch: putUnder('reports/'),
    times: 3,
  },
  {
    name: 'S3 500 on the get of the previous report, a whole invocation long',
    expected: 'message-retried',
    aws: S3_INTERNAL_ERROR,
    awsMatch: getOf('latest/live.json'),
    times: 3,
  },
  {
    name: 'S3 500 on every put of latest/ (after notify)',
    expected: 'dlq',
    aws: S3_INTERNAL_ERROR,
    awsMatch: putUnder('latest/'),
  },
  {
    name: 'SNS unavailable twice, then taking the message',
    expected: 'complete',
    aws: SERVICE_UNAVAILABLE,
    awsMatch: snsPublish,
    times: 2,
  },
  { name: 'SNS unavailable for the whole run', expected: 'complete', aws: SERVICE_UNAVAILABLE, awsMatch: snsPublish },
  {
    name: 'SNS throttling twice, then taking the message',
    expected: 'complete',
    aws: SNS_THROTTLED,
    awsMatch: snsPublish,
    times: 2,
  },
  {
    name: 'Secrets Manager unavailable for the Slack webhook (warm function)',
    expected: 'complete',
    aws: SERVICE_UNAVAILABLE,
    awsMatch: secretsManager,
    slackSecretId: 'faults/slack-webhook-rotated',
  },
  {
    name: 'Slack 429 with Retry-After, then 200',
    expected: 'complete',
    slack: {
      type: 'status',
      status: 429,
      headers: { 'retry-after': '1', 'content-type': 'text/plain' },
      body: 'rate_limited',
    },
    times: 1,
  },
  {
    name: 'Slack 500 for the whole run',
    expected: 'complete',
    slack: { type: 'status', status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal_error' },
  },
  { name: 'Slack hangs once', expected: 'complete', slack: { type: 'hang' }, times: 1 },
];

let world: World;
let kube: KubeWorld;
let slack: SlackReceiver;
let workDir: string;
let proxies: { aws: FaultProxy; kube: FaultProxy; slack: FaultProxy };
let clients: { s3: S3Client; sqs: SQSClient };
let auditQueueUrl: string;
let subscriberQueueUrl: string;
let scheduleHandler: PipelineHandlers['schedule'];
let auditHandler: PipelineHandlers['audit'];
const output: string[] = [];
const results: ScenarioResult[] = [];

beforeAll(async () => {
  rmSync(RESULT_FILE, { force: true });
  world = await startWorld({ kube: true, moto: true, slack: true });
  const motoUrl = world.env.AWS_ENDPOINT_URL;
  if (!world.kube || !world.slack || !motoUrl) throw new Error('the test world is incomplete');
  kube = world.kube;
  slack = world.slack;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-faults-'));
  proxies = {
    aws: await startFaultProxy(motoUrl),
    kube: await startKubeProxy(kube.server, kube.kubeconfig),
    slack: await startFaultProxy(new URL(slack.url).origin),
  };
  const { s3, sqs, sns, secrets } = awsClients(motoUrl, proxies.aws.url);
  clients = { s3, sqs };
  await uploadSource(
    s3,
    workDir,
    { source: SOURCE_BUCKET, reports: BUCKET },
    { 'clusters/live/payments.yaml': MANIFESTS },
  );
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], { input: MANIFESTS });
  await kube.kubectl(['create', 'namespace', 'bulk']);
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], {
    input: bulkReplicaSets(),
  });

  // The audit reaches the apiserver only through the proxy, which holds the client certificate.
  const kubeconfig = proxiedKubeconfig(proxies.kube.url);
  await secrets.send(new CreateSecretCommand({ Name: 'faults/live-kubeconfig', SecretString: kubeconfig }));
  for (const name of ['faults/slack-webhook', 'faults/slack-webhook-rotated'])
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: `${proxies.slack.url}${WEBHOOK_PATH}` }));
  const topic = await sns.send(new CreateTopicCommand({ Name: 'driftwatch-faults' }));
  auditQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'driftwatch-audit-faults' }))).QueueUrl ?? '';
  subscriberQueueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: 'driftwatch-subscriber-faults' }))).QueueUrl ?? '';
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
      '    kubeconfigSecret: { secretId: faults/live-kubeconfig }',
      '',
    ].join('\n'),
  );
  const handlers = await loadHandlers({
    config,
    auditQueueUrl,
    bucket: BUCKET,
    topicArn: topic.TopicArn ?? '',
    slackWebhookSecretId: 'faults/slack-webhook',
  });
  scheduleHandler = handlers.schedule;
  auditHandler = handlers.audit;
  // A first run without faults: the baseline every scenario's history compares with.
  const baseline = await scheduledRun();
  const baselineReport = await reportOfRun(baseline.runId);
  if (baseline.dlq > 0 || !baselineReport?.scan.complete) {
    throw new Error(`the baseline run failed: ${JSON.stringify(baselineReport?.scan ?? baseline).slice(0, 600)}`);
  }
  await drainQueue(sqs, subscriberQueueUrl);
  slack.reset();
}, 600_000);

afterAll(async () => {
  writeFileSync(RESULT_FILE, JSON.stringify(results, null, 2));
  for (const proxy of Object.values(proxies ?? {})) await proxy.stop();
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface RunRecord {
  runId: string;
  /** Invocations per message until one succeeded (or MAX_RECEIVES). */
  attempts: number[];
  dlq: number;
}

/** One scheduled run; each message is handed over again while it fails, up to MAX_RECEIVES times, as SQS does. */
async function scheduledRun(remainingMs?: number): Promise<RunRecord> {
  const scheduled = await captureOutput(output, () =>
    scheduleHandler({ source: 'aws.events' }, lambdaContext('schedule')),
  );
  const messages: QueuedMessage[] = await drainQueue(clients.sqs, auditQueueUrl);
  const attempts: number[] = [];
  let dlq = 0;
  for (const message of messages) {
    let attempt = 0;
    let failed = true;
    while (failed && attempt < MAX_RECEIVES) {
      attempt++;
      const response = await captureOutput(output, () =>
        auditHandler(sqsEvent(message, attempt), lambdaContext('audit', remainingMs)),
      );
      failed = response.batchItemFailures.length > 0;
    }
    attempts.push(attempt);
    if (failed) dlq++;
  }
  return { runId: scheduled.runId, attempts, dlq };
}

async function reportOfRun(runId: string): Promise<Report | undefined> {
  const listing = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/cluster=live/' }));
  const key = (listing.Contents ?? [])
    .map((object) => object.Key ?? '')
    .find((candidate) => candidate.endsWith(`-${runId}.json`));
  if (!key) return undefined;
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse((await object.Body?.transformToString('utf8')) ?? '') as Report;
}

function outcomeOf(run: RunRecord, report: Report | undefined): string {
  if (run.dlq > 0) return 'dlq';
  if (!report) return 'no report';
  if ((run.attempts[0] ?? 0) > 1) return 'message-retried';
  return report.scan.complete ? 'complete' : 'incomplete';
}

describe('the hourly run under injected faults', () => {
  test.each(SCENARIOS.map((scenario, index) => [scenario.name, scenario, index] as const))(
    '%s',
    async (_name, scenario, index) => {
      const started = Date.now();
      const token = `fault-${index}-${scenario.expected}`;
      await kube.kubectl([
        'annotate',
        'deployment/ledger',
        `faults.example.com/${token}=set-by-hand`,
        '-n',
        'payments',
      ]);
      const arm = (proxy: FaultProxy, fault: Fault | undefined, match: (request: ProxiedRequest) => boolean): void => {
        if (fault)
          proxy.add({ name: token, match, fault, ...(scenario.times !== undefined ? { times: scenario.times } : {}) });
      };
      arm(proxies.kube, scenario.kube, scenario.kubeMatch ?? everything);
      arm(proxies.aws, scenario.aws, scenario.awsMatch ?? everything);
      arm(proxies.slack, scenario.slack, (request) => request.method === 'POST');
      const usualSecret = process.env['SLACK_WEBHOOK_SECRET_ID'];
      if (scenario.slackSecretId) process.env['SLACK_WEBHOOK_SECRET_ID'] = scenario.slackSecretId;
      let faulted: RunRecord;
      let after: RunRecord;
      try {
        try {
          faulted = await scheduledRun(scenario.remainingMs);
        } finally {
          for (const proxy of Object.values(proxies)) proxy.clear();
        }
        // The next hour, without the fault: what was missed is told now, and what was told is not told again.
        after = await scheduledRun();
      } finally {
        process.env['SLACK_WEBHOOK_SECRET_ID'] = usualSecret;
      }
      const faultedReport = await reportOfRun(faulted.runId);
      const afterReport = await reportOfRun(after.runId);

      const snsBodies = (await drainQueue(clients.sqs, subscriberQueueUrl)).map((message) => message.body);
      const slackBodies = slack.requests.filter((request) => request.status === 200).map((request) => request.body);
      slack.reset();
      const told = (bodies: readonly string[]): number => bodies.filter((body) => body.includes(token)).length;
      const channels = [told(snsBodies), told(slackBodies)];
      const reportsOrDlq = [faultedReport !== undefined || faulted.dlq > 0, afterReport !== undefined || after.dlq > 0];
      const stillSeen = JSON.stringify(afterReport?.drift ?? []).includes(token);
      const lost =
        channels.filter((count) => count === 0).length +
        reportsOrDlq.filter((reported) => !reported).length +
        (stillSeen ? 0 : 1);
      const duplicates = channels.reduce((total, count) => total + Math.max(0, count - 1), 0);
      const falseResolved = [faultedReport, afterReport].reduce(
        (total, report) => total + (report?.history?.resolved.length ?? 0),
        0,
      );
      // A scenario whose fault never met a request proved nothing.
      const faultsHit = Object.values(proxies)
        .flatMap((proxy) => proxy.records)
        .filter((record) => record.outcome === token).length;
      const outcome = outcomeOf(faulted, faultedReport);
      const survived =
        faultsHit > 0 && lost === 0 && duplicates === 0 && falseResolved === 0 && outcome === scenario.expected;
      results.push({
        name: scenario.name,
        expected: scenario.expected,
        outcome,
        lost,
        duplicates,
        falseResolved,
        faultsHit,
        survived,
        durationMs: Date.now() - started,
      });
      expect({ outcome, lost, duplicates, falseResolved, told: channels, hit: faultsHit > 0 }).toEqual({
        outcome: scenario.expected,
        lost: 0,
        duplicates: 0,
        falseResolved: 0,
        told: [1, 1],
        hit: true,
      });
    },
  );
});
