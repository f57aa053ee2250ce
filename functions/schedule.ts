import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { lazilyLoaded } from '../lib/aws/lazy.ts';
import { logger, metrics } from './observability.ts';

/*
 * Init stays small (issue 12: ≤ 200 ms): the SQS, S3 and SSM clients and the config loader are in
 * ./enqueue-clusters.ts, imported at the first invocation (bench/lambda-init.ts measures it).
 */
const enqueueClusters = lazilyLoaded(async () => (await import('./enqueue-clusters.ts')).createEnqueueClusters());

/** EventBridge schedule → one SQS message per cluster (functions/enqueue-clusters.ts). */
async function scheduleRun(): Promise<{ runId: string; clusters: number }> {
  return (await enqueueClusters())();
}

export const handler = middy(scheduleRun).use(injectLambdaContext(logger)).use(logMetrics(metrics));
