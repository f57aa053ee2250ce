import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Report } from '../../lib/report/report.ts';
import { auditLogToCloudWatch, driftAsPeople } from '../integration/fixtures/actors.ts';
import {
  REGION,
  awsClients,
  captureOutput,
  drainQueue,
  lambdaContext,
  loadHandlers,
  sqsEvent,
  uploadSource,
} from '../world/lambda-harness.ts';
import type { AwsClients, PipelineHandlers } from '../world/lambda-harness.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * Issue 13 through the real Lambda handlers: the cluster's audit log is in CloudWatch Logs on moto, where EKS puts it,
 * and the hourly run's report names the people behind the drift of the real kube-apiserver.
 */
const BUCKET = 'driftwatch-reports-actors';
const LOG_GROUP = '/aws/eks/team/cluster';

let world: World;
let workDir: string;
let clients: AwsClients;
let handlers: PipelineHandlers;
let queueUrl: string;

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: true, slack: false });
  const kube = world.kube;
  const motoUrl = world.env.AWS_ENDPOINT_URL;
  if (!kube || !motoUrl) throw new Error('the test world is incomplete');
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-e2e-actors-'));
  const source = await driftAsPeople(kube, workDir);
  clients = awsClients(motoUrl, motoUrl);
  await uploadSource(
    clients.s3,
    workDir,
    { source: 'driftwatch-source-actors', reports: BUCKET },
    { 'team/team.yaml': readFileSync(join(source, 'team.yaml'), 'utf8') },
  );
  await auditLogToCloudWatch(new CloudWatchLogsClient({ region: REGION, endpoint: motoUrl }), LOG_GROUP, kube.auditLog);
  await clients.secrets.send(
    new CreateSecretCommand({
      Name: 'driftwatch/team-kubeconfig',
      SecretString: readFileSync(kube.kubeconfig, 'utf8'),
    }),
  );
  queueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: 'driftwatch-audit-actors' }))).QueueUrl ?? '';
  const config = join(workDir, 'driftwatch.yaml');
  writeFileSync(
    config,
    [
      'source:',
      '  location: s3://driftwatch-source-actors/gitops.tar.gz',
      'clusters:',
      '  - name: team',
      '    path: team',
      '    kubeconfigSecret: { secretId: driftwatch/team-kubeconfig }',
      `    auditLog: { cloudWatch: { logGroup: ${LOG_GROUP}, region: ${REGION} } }`,
      '',
    ].join('\n'),
  );
  handlers = await loadHandlers({
    config,
    auditQueueUrl: queueUrl,
    bucket: BUCKET,
    topicArn: '',
    slackWebhookSecretId: '',
  });
}, 300_000);

afterAll(async () => {
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the hourly run names the people, from CloudWatch Logs', () => {
  test('every change, the deleted and the hand-made object', async () => {
    const output: string[] = [];
    await captureOutput(output, () =>
      handlers.schedule({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, lambdaContext('schedule')),
    );
    const [message, ...others] = await drainQueue(clients.sqs, queueUrl);
    expect(others).toEqual([]);
    if (!message) throw new Error('nothing was scheduled');
    const response = await captureOutput(output, () => handlers.audit(sqsEvent(message), lambdaContext('audit')));
    expect(response.batchItemFailures, output.join('\n')).toEqual([]);
    const stored = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'latest/team.json' }));
    const report = JSON.parse((await stored.Body?.transformToString('utf8')) ?? '') as Report;
    const people = report.drift
      .flatMap((entry) => [entry.actor?.username, ...(entry.changes ?? []).map((change) => change.actor?.username)])
      .filter((name) => name !== undefined);
    expect(people.sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
      'erin@example.com',
    ]);
    expect(report.scan.auditLog).toMatchObject({ source: `cloudwatch ${LOG_GROUP}`, unmatched: 0 });
  });
});
