/**
 * What the e2e and fault tests need to drive the real Lambda handlers in this process: a Lambda context (with the
 * remaining time a test chooses), the SQS event the event source would hand over, a queue drained like the event
 * source drains it, and the handlers' output kept for assertions instead of printed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

export type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export interface QueuedMessage {
  body: string;
  id: string;
}

export const REGION = 'us-east-1';

export function lambdaContext(functionName: string, remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'e2e',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The event the SQS event source hands the audit function for one message (batch size 1). */
export function sqsEvent(message: QueuedMessage, receiveCount = 1): SQSEvent {
  return {
    Records: [
      {
        messageId: message.id,
        receiptHandle: 'handle',
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: String(Date.now()),
          SenderId: 'e2e',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:123456789012:audit`,
        awsRegion: REGION,
      },
    ],
  };
}

/** Receives and deletes every message of a queue. */
export async function drainQueue(sqs: SQSClient, url: string): Promise<QueuedMessage[]> {
  const messages: QueuedMessage[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const response = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const received = response.Messages ?? [];
    if (received.length === 0 && attempt > 0) break;
    for (const message of received) {
      messages.push({ body: message.Body ?? '', id: message.MessageId ?? '' });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return messages;
}

/** Runs a handler while keeping what it logs (Powertools: JSON lines and EMF on stdout, errors on stderr) in `lines`. */
export async function captureOutput<T>(lines: string[], run: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
  }
  try {
    return await run();
  } finally {
    streams.forEach((stream, index) => {
      const original = originals[index];
      if (original) stream.write = original;
    });
  }
}

export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
  secrets: SecretsManagerClient;
}

/**
 * Points the handlers' AWS clients (made from the environment when they are imported) at `handlerEndpoint`, a fault
 * proxy in front of moto, and returns the test's own clients, which talk to moto directly.
 */
export function awsClients(motoUrl: string, handlerEndpoint: string): AwsClients {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: handlerEndpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return {
    s3: new S3Client({ forcePathStyle: true, endpoint: motoUrl }),
    sqs: new SQSClient({ endpoint: motoUrl }),
    sns: new SNSClient({ endpoint: motoUrl }),
    secrets: new SecretsManagerClient({ endpoint: motoUrl }),
  };
}

/**
 * The Git archive of the run, in S3 like a CI job would upload it (`s3://<sourceBucket>/gitops.tar.gz`): these files
 * (path → text) and folders copied in (path in the repo → folder), under one top folder. Creates the report bucket too.
 */
export async function uploadSource(
  s3: S3Client,
  workDir: string,
  buckets: { source: string; reports: string },
  files: Record<string, string>,
  folders: Record<string, string> = {},
): Promise<void> {
  const repo = join(workDir, 'repo');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  for (const [path, folder] of Object.entries(folders)) cpSync(folder, join(repo, path), { recursive: true });
  const archive = join(workDir, 'gitops.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', workDir, 'repo']);
  await s3.send(new CreateBucketCommand({ Bucket: buckets.source }));
  await s3.send(new CreateBucketCommand({ Bucket: buckets.reports }));
  await s3.send(new PutObjectCommand({ Bucket: buckets.source, Key: 'gitops.tar.gz', Body: readFileSync(archive) }));
}

/** The run's topic and queues: the audit queue, and a queue subscribed to the topic that keeps what SNS delivered. */
export async function pipelineQueues(
  sqs: SQSClient,
  sns: SNSClient,
  name: string,
): Promise<{ topicArn: string; auditQueueUrl: string; subscriberQueueUrl: string }> {
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `driftwatch-${name}` }))).TopicArn ?? '';
  const auditQueueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: `driftwatch-audit-${name}` }))).QueueUrl ?? '';
  const subscriberQueueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: `driftwatch-subscriber-${name}` }))).QueueUrl ?? '';
  const subscriberArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: subscriberQueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.['QueueArn'];
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: subscriberArn }));
  return { topicArn, auditQueueUrl, subscriberQueueUrl };
}

export interface PipelineHandlers {
  schedule: Handler<Record<string, unknown>, { runId: string; clusters: number }>;
  audit: Handler<SQSEvent, SQSBatchResponse>;
}

export interface HandlerEnv {
  config: string;
  auditQueueUrl: string;
  bucket: string;
  topicArn: string;
  slackWebhookSecretId: string;
}

/** The deployed functions' environment, then the real handlers (imported after it: they read it at cold start). */
export async function loadHandlers(env: HandlerEnv): Promise<PipelineHandlers> {
  setHandlerEnv(env);
  // The middy handlers' types are wider than the calls these tests make.
  const schedule = (await import('../../functions/schedule.ts')).handler as unknown as PipelineHandlers['schedule'];
  const audit = (await import('../../functions/audit.ts')).handler as unknown as PipelineHandlers['audit'];
  return { schedule, audit };
}

/** The environment both functions read at cold start. */
export function setHandlerEnv(env: HandlerEnv): void {
  Object.assign(process.env, {
    DRIFTWATCH_CONFIG: env.config,
    AUDIT_QUEUE_URL: env.auditQueueUrl,
    REPORT_BUCKET: env.bucket,
    TOPIC_ARN: env.topicArn,
    SLACK_WEBHOOK_SECRET_ID: env.slackWebhookSecretId,
    POWERTOOLS_SERVICE_NAME: 'driftwatch',
    POWERTOOLS_METRICS_NAMESPACE: 'Driftwatch',
  });
}
