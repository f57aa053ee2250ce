import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadRuntimeConfig } from '../lib/aws/config-source.ts';
import { lazily } from '../lib/aws/lazy.ts';
import { defaultS3Client } from '../lib/aws/s3-client.ts';
import { sqsBatchSender } from '../lib/aws/sqs.ts';
import { enqueueAudits, scheduleMessages } from '../lib/pipeline/schedule.ts';
import { logger, metricSink, metrics, requiredEnv } from './observability.ts';

const sqs = new SQSClient({});
const configClients = { s3: lazily(defaultS3Client), ssm: lazily(() => new SSMClient({})) };

/** EventBridge schedule → one SQS message per cluster. */
async function enqueueClusters(): Promise<{ runId: string; clusters: number }> {
  const config = await loadRuntimeConfig(requiredEnv('DRIFTWATCH_CONFIG'), configClients);
  const messages = scheduleMessages(config, new Date());
  await enqueueAudits(sqsBatchSender(sqs, requiredEnv('AUDIT_QUEUE_URL')), messages);
  const runId = messages[0]?.runId ?? 'none';
  logger.info('clusters enqueued', { runId, clusters: messages.length });
  metricSink.count('ClustersScheduled', messages.length);
  return { runId, clusters: messages.length };
}

export const handler = middy(enqueueClusters).use(injectLambdaContext(logger)).use(logMetrics(metrics));
