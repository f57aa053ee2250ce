import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { REGION, captureOutput, drainQueue, lambdaContext, sqsEvent } from '../world/lambda-harness.ts';
import type { Handler } from '../world/lambda-harness.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Report } from '../../lib/report/report.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import type { KubeWorld } from '../world/kube.ts';
import type { SlackReceiver } from '../world/slack.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * The hourly AWS pipeline on a Kustomize overlay: the source archive in moto S3 holds a base and an overlay, the
 * config names the overlay as the cluster path and our dwrender as the renderer, and the real schedule and audit
 * handlers render it, audit the real kube-apiserver and tell Slack how to fix what drifted.
 */
const BUCKET = 'driftwatch-reports-render';
const SOURCE_BUCKET = 'driftwatch-source-render';
const RENDERER = join(REPO_ROOT, 'renderer/bin/dwrender');
const OVERLAY_PATH = 'apps/ledger/overlays/prod';

let world: World;
let kube: KubeWorld;
let slack: SlackReceiver;
let workDir: string;
let clients: { s3: S3Client; sqs: SQSClient };
let auditQueueUrl: string;
let scheduleHandler: Handler<Record<string, unknown>, { runId: string; clusters: number }>;
let auditHandler: Handler<SQSEvent, SQSBatchResponse>;

const GITOPS_FILES: Record<string, string> = {
  'apps/ledger/base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
configMapGenerator:
  - name: ledger-settings
    literals:
      - CURRENCY=EUR
`,
  'apps/ledger/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  replicas: 1
  selector:
    matchLabels: {app: ledger}
  template:
    metadata:
      labels: {app: ledger}
    spec:
      containers:
        - name: ledger
          image: ledger
          envFrom:
            - configMapRef:
                name: ledger-settings
`,
  [`${OVERLAY_PATH}/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: payments
namePrefix: prod-
resources:
  - namespace.yaml
  - ../../base
images:
  - name: ledger
    newName: registry.example.com/payments/ledger
    newTag: "5.1.0"
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: ledger
      spec:
        replicas: 2
`,
  [`${OVERLAY_PATH}/namespace.yaml`]: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n',
};

/** Runs a handler with its Powertools output kept off the test's console (errors are still thrown). */
function quietly<T>(run: () => Promise<T>): Promise<T> {
  return captureOutput([], run);
}

/** One scheduled run: the schedule handler enqueues, the audit handler consumes one message per invocation. */
async function runOnce(): Promise<{ runId: string; failures: number }> {
  const scheduled = await quietly(() =>
    scheduleHandler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, lambdaContext('schedule')),
  );
  const messages = await drainQueue(clients.sqs, auditQueueUrl);
  expect(messages).toHaveLength(scheduled.clusters);
  let failures = 0;
  for (const message of messages) {
    const event = sqsEvent(message);
    const response = await quietly(() => auditHandler(event, lambdaContext('audit')));
    failures += response.batchItemFailures.length;
  }
  return { runId: scheduled.runId, failures };
}

async function latestReport(cluster: string): Promise<Report> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `latest/${cluster}.json` }));
  return JSON.parse((await object.Body?.transformToString('utf8')) ?? '') as Report;
}

/** The text of every Slack post (fallback text, block texts, context elements), one string per post. */
function slackTexts(): string[] {
  const textOf = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    if (typeof value !== 'object' || value === null) return [];
    if (Array.isArray(value)) return value.flatMap(textOf);
    const record = value as Record<string, unknown>;
    return [...textOf(record['text']), ...textOf(record['elements']), ...textOf(record['fields'])];
  };
  return slack.requests
    .filter((request) => request.path.startsWith('/services/'))
    .map((request) => {
      const payload = JSON.parse(request.body) as { text?: unknown; blocks?: unknown };
      return [...textOf(payload.text), ...textOf(payload.blocks)].join('\n');
    });
}

beforeAll(async () => {
  try {
    accessSync(RENDERER, constants.X_OK);
  } catch (error) {
    throw new Error(
      `the renderer ${RENDERER} is missing or not executable (${error instanceof Error ? error.message : String(error)}): build it before this suite`,
    );
  }
  world = await startWorld({ kube: true, moto: true, slack: true });
  if (!world.kube || !world.slack || !world.env.AWS_ENDPOINT_URL) throw new Error('the test world is incomplete');
  kube = world.kube;
  slack = world.slack;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-e2e-render-'));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: world.env.AWS_ENDPOINT_URL,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const s3 = new S3Client({ forcePathStyle: true });
  const sqs = new SQSClient({});
  const secrets = new SecretsManagerClient({});
  clients = { s3, sqs };

  // The Git archive, in S3 like a CI job would upload it (one top folder, as `git archive --prefix=repo/` makes).
  const repo = join(workDir, 'repo');
  for (const [path, content] of Object.entries(GITOPS_FILES)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  const archive = join(workDir, 'gitops.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', workDir, 'repo']);
  await s3.send(new CreateBucketCommand({ Bucket: SOURCE_BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key: 'gitops.tar.gz', Body: readFileSync(archive) }));

  // The live cluster: the overlay as kustomize renders it, applied server-side as Argo CD does.
  const rendered = execFileSync(RENDERER, ['kustomize', 'build', join(repo, OVERLAY_PATH)], { encoding: 'utf8' });
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], { input: rendered });
  await secrets.send(
    new CreateSecretCommand({
      Name: 'driftwatch/render-kubeconfig',
      SecretString: readFileSync(kube.kubeconfig, 'utf8'),
    }),
  );
  await secrets.send(new CreateSecretCommand({ Name: 'driftwatch/slack-webhook', SecretString: slack.url }));
  const auditQueue = await sqs.send(new CreateQueueCommand({ QueueName: 'driftwatch-audit-render' }));
  auditQueueUrl = auditQueue.QueueUrl ?? '';

  const config = join(workDir, 'driftwatch.yaml');
  writeFileSync(
    config,
    [
      'source:',
      `  location: s3://${SOURCE_BUCKET}/gitops.tar.gz`,
      'renderer:',
      `  path: ${RENDERER}`,
      'clusters:',
      '  - name: payments',
      `    path: ${OVERLAY_PATH}`,
      '    kubeconfigSecret: { secretId: driftwatch/render-kubeconfig }',
      '',
    ].join('\n'),
  );
  Object.assign(process.env, {
    DRIFTWATCH_CONFIG: config,
    AUDIT_QUEUE_URL: auditQueueUrl,
    REPORT_BUCKET: BUCKET,
    SLACK_WEBHOOK_SECRET_ID: 'driftwatch/slack-webhook',
    POWERTOOLS_SERVICE_NAME: 'driftwatch',
    POWERTOOLS_METRICS_NAMESPACE: 'Driftwatch',
  });
  delete process.env['TOPIC_ARN'];
  scheduleHandler = (await import('../../functions/schedule.ts')).handler as unknown as typeof scheduleHandler;
  auditHandler = (await import('../../functions/audit.ts')).handler as unknown as typeof auditHandler;
}, 600_000);

afterAll(async () => {
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('hourly pipeline on a Kustomize overlay', () => {
  test('first run: the overlay is rendered with the configured dwrender and audits with zero drift', async () => {
    const { runId, failures } = await runOnce();
    expect(failures).toBe(0);
    const report = await latestReport('payments');
    expect(report.runId).toBe(runId);
    expect(report.source.renderer).toBe('kustomize');
    expect(report.source.tool?.name).toBe('dwrender');
    expect(report.source.tool?.versions['kustomize']).toBe('v5.8.2');
    expect(report.source.failedFiles).toEqual([]);
    expect(report.drift).toEqual([]);
    // Namespace, generated ConfigMap (hashed name) and Deployment: all rendered objects, all compared.
    expect(report.summary.declared).toBe(3);
    expect(report.summary.compared).toBe(3);
    expect(report.scan.complete).toBe(true);
  });

  test('after a kubectl change the next run reports exactly it, and the Slack message carries its fix: line', async () => {
    slack.reset();
    await kube.kubectl([
      'set',
      'image',
      'deployment/prod-ledger',
      'ledger=registry.example.com/payments/ledger:5.1.1-hotfix',
      '-n',
      'payments',
    ]);
    const { failures } = await runOnce();
    expect(failures).toBe(0);
    const report = await latestReport('payments');
    expect(report.source.renderer).toBe('kustomize');
    expect(report.drift).toHaveLength(1);
    const [entry] = report.drift;
    expect(entry).toMatchObject({
      kind: 'Deployment',
      namespace: 'payments',
      name: 'prod-ledger',
      status: 'modified',
      history: 'new',
    });
    expect(entry?.changes).toMatchObject([
      {
        path: '/spec/template/spec/containers/name=ledger/image',
        declared: 'registry.example.com/payments/ledger:5.1.0',
        live: 'registry.example.com/payments/ledger:5.1.1-hotfix',
        manager: 'kubectl-set',
      },
    ]);
    expect(entry?.changes).toHaveLength(1);
    const command = entry?.remediation?.command ?? '';
    // The archive's top folder is not part of the path: the command names the folder as the config does.
    expect(
      command.startsWith(`driftwatch render --source s3://${SOURCE_BUCKET}/gitops.tar.gz --path ${OVERLAY_PATH} `),
    ).toBe(true);
    expect(command).toContain('--object Deployment/payments/prod-ledger');
    expect(command).toMatch(/\| kubectl apply --server-side --force-conflicts -f -$/);

    const texts = slackTexts();
    expect(texts).toHaveLength(1);
    const fixLine = (texts[0] ?? '').split('\n').find((line) => line.startsWith('fix: '));
    expect(fixLine, texts[0]).toBe(`fix: \`${command}\``);
    expect(texts[0]).toContain('prod-ledger');
  });
});
