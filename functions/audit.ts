import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadRuntimeConfig } from '../lib/aws/config-source.ts';
import { lazily } from '../lib/aws/lazy.ts';
import { defaultS3Client } from '../lib/aws/s3-client.ts';
import { SecretReader } from '../lib/aws/secrets.ts';
import { EksAccess } from '../lib/cluster/eks.ts';
import { auditAndPublish } from '../lib/pipeline/publish.ts';
import { parseReportLinkSeconds } from '../lib/pipeline/env.ts';
import { parseAuditMessage } from '../lib/pipeline/schedule.ts';
import { parseS3Destination } from '../lib/store/s3.ts';
import { log, logger, metricSink, metrics, requiredEnv } from './observability.ts';

const s3 = defaultS3Client();
const sns = new SNSClient({});
const secrets = new SecretReader(new SecretsManagerClient({}));
const eks = new EksAccess({ credentials: defaultProvider() });
const configClients = { s3: () => s3, ssm: lazily(() => new SSMClient({})) };
/** Checked at cold start: a bad value fails the deployment's first invocation with the variable's name. */
const linkExpiresSeconds = parseReportLinkSeconds(process.env['REPORT_LINK_SECONDS']);

/** SQS (batch size 1) → audit one cluster; a failed record is reported back so only it is retried. */
async function auditRecords(event: SQSEvent): Promise<SQSBatchResponse> {
  const config = await loadRuntimeConfig(requiredEnv('DRIFTWATCH_CONFIG'), configClients);
  const prefix = process.env['REPORT_PREFIX'] ?? '';
  const destination = parseS3Destination(`s3://${requiredEnv('REPORT_BUCKET')}${prefix ? `/${prefix}` : ''}`);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const message = parseAuditMessage(record.body);
      logger.appendKeys({ cluster: message.cluster, runId: message.runId });
      metrics.addDimension('cluster', message.cluster);
      await auditAndPublish(
        {
          config,
          s3,
          sns,
          eks,
          secrets,
          destination,
          ...optionalEnv('REPORT_KMS_KEY_ID', 'kmsKeyId'),
          ...optionalEnv('TOPIC_ARN', 'topicArn'),
          ...optionalEnv('SLACK_WEBHOOK_SECRET_ID', 'slackWebhookSecretId'),
          linkExpiresSeconds,
          log,
          metrics: metricSink,
        },
        message,
      );
    } catch (error) {
      logger.error('audit failed', { messageId: record.messageId, error: error instanceof Error ? error.message : String(error) });
      metricSink.count('AuditFailures', 1);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    } finally {
      logger.removeKeys(['cluster', 'runId']);
    }
  }
  return { batchItemFailures };
}

function optionalEnv<K extends string>(name: string, key: K): Partial<Record<K, string>> {
  const value = process.env[name];
  return value ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}

export const handler = middy(auditRecords).use(injectLambdaContext(logger)).use(logMetrics(metrics));
