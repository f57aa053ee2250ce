import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { loadRuntimeConfig } from '../lib/aws/config-source.ts';
import { lazily } from '../lib/aws/lazy.ts';
import { defaultS3Client } from '../lib/aws/s3-client.ts';
import { sqsBatchSender } from '../lib/aws/sqs.ts';
import { enqueueAudits, scheduleMessages } from '../lib/pipeline/schedule.ts';
import { logger, metricSink, requiredEnv } from './observability.ts';

export type EnqueueClusters = () => Promise<{ runId: string; clusters: number }>;

/**
 * The schedule function's work, loaded by functions/schedule.ts at the first invocation (not at init): its clients are
 * made once per execution environment and reused while it is warm.
 */
export function createEnqueueClusters(): EnqueueClusters {
  const sqs = new SQSClient({});
  const configClients = { s3: lazily(defaultS3Client), ssm: lazily(() => new SSMClient({})) };

  /** EventBridge schedule → one SQS message per cluster. */
  return async function enqueueClusters() {
    const config = await loadRuntimeConfig(requiredEnv('DRIFTWATCH_CONFIG'), configClients);
    const messages = scheduleMessages(config, new Date());
    await enqueueAudits(sqsBatchSender(sqs, requiredEnv('AUDIT_QUEUE_URL')), messages);
    const runId = messages[0]?.runId ?? 'none';
    logger.info('clusters enqueued', { runId, clusters: messages.length });
    metricSink.count('ClustersScheduled', messages.length);
    return { runId, clusters: messages.length };
  };
}
