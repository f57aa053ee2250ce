import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadRuntimeConfig } from '../lib/aws/config-source.ts';
import { defaultS3Client } from '../lib/aws/s3-client.ts';
import { scheduleMessages } from '../lib/pipeline/schedule.ts';
import { logger, metricSink, metrics, requiredEnv } from './observability.ts';

const sqs = new SQSClient({});
const configClients = { s3: defaultS3Client, ssm: () => new SSMClient({}) };
/** SQS takes at most 10 messages per batch. */
const SQS_BATCH = 10;

/** EventBridge schedule → one SQS message per cluster. */
async function enqueueClusters(): Promise<{ runId: string; clusters: number }> {
  const config = await loadRuntimeConfig(requiredEnv('DRIFTWATCH_CONFIG'), configClients);
  const messages = scheduleMessages(config, new Date());
  const queueUrl = requiredEnv('AUDIT_QUEUE_URL');
  for (let start = 0; start < messages.length; start += SQS_BATCH) {
    const batch = messages.slice(start, start + SQS_BATCH);
    const response = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({ Id: String(start + index), MessageBody: JSON.stringify(message) })),
      }),
    );
    if (response.Failed && response.Failed.length > 0) {
      throw new Error(`SQS refused ${response.Failed.length} messages: ${response.Failed.map((failure) => failure.Code).join(', ')}`);
    }
  }
  const runId = messages[0]?.runId ?? 'none';
  logger.info('clusters enqueued', { runId, clusters: messages.length });
  metricSink.count('ClustersScheduled', messages.length);
  return { runId, clusters: messages.length };
}

export const handler = middy(enqueueClusters).use(injectLambdaContext(logger)).use(logMetrics(metrics));
