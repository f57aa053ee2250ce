import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseAuditMessage } from '../lib/aws/audit-message.ts';
import type { AuditMessage } from '../lib/aws/audit-message.ts';
import { loadRuntimeConfig } from '../lib/aws/config-source.ts';
import { lazily } from '../lib/aws/lazy.ts';
import { parseSignerSecret } from '../lib/aws/report-link.ts';
import { defaultS3Client } from '../lib/aws/s3-client.ts';
import { SecretReader } from '../lib/aws/secrets.ts';
import { EksAccess } from '../lib/cluster/eks.ts';
import type { DriftwatchConfig } from '../lib/config/load.ts';
import { auditAndPublish, openConfiguredSource } from '../lib/pipeline/publish.ts';
import type { DeclaredSource } from '../lib/pipeline/run-cluster.ts';
import { displayLocation } from '../lib/source/display.ts';
import type { SourceTree } from '../lib/source/types.ts';
import { parseS3Destination } from '../lib/store/s3.ts';
import { logOf, logger, metricSinkOf, recordMetrics, requiredEnv } from './observability.ts';

/** What the entry (functions/audit.ts) reads from the environment at cold start, so a bad value fails there. */
export interface AuditSettings {
  linkExpiresSeconds: number;
  /** Report links signed with the dedicated signer's access key (infra/iam.yml `ReportLinkSigner`), read when first needed. */
  linkSignerSecretId: string | undefined;
}

export type AuditRecords = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * The audit function's work, loaded by functions/audit.ts at the first SQS batch (not at init): the SDK clients, the
 * Kubernetes client and the engine are made once per execution environment and reused while it is warm.
 */
export function createAuditRecords(settings: AuditSettings): AuditRecords {
  const s3 = defaultS3Client();
  const sns = new SNSClient({});
  /** One CloudWatch Logs client per region, for clusters whose audit log is read there. */
  const logsClients = new Map<string, CloudWatchLogsClient>();
  function logsClient(region: string): CloudWatchLogsClient {
    const existing = logsClients.get(region);
    if (existing) return existing;
    const client = new CloudWatchLogsClient({ region });
    logsClients.set(region, client);
    return client;
  }
  const secrets = new SecretReader(new SecretsManagerClient({}));
  const eks = new EksAccess({ credentials: defaultProvider() });
  const configClients = { s3: () => s3, ssm: lazily(() => new SSMClient({})) };
  const { linkExpiresSeconds, linkSignerSecretId } = settings;
  const linkClient = linkSignerSecretId
    ? defaultS3Client(async () => parseSignerSecret(await secrets.read(linkSignerSecretId), linkSignerSecretId))
    : undefined;
  const processor = new BatchProcessor(EventType.SQS);

  /** The source tree of a run, kept while a warm Lambda works through that run's clusters (dropped if it failed). */
  let runSource: { key: string; tree: Promise<SourceTree> } | undefined;

  function sourceOfRun(config: DriftwatchConfig, runId: string): DeclaredSource {
    const key = `${runId}|${config.source.location}`;
    return {
      location: displayLocation(config.source.location),
      open: () => {
        if (runSource?.key === key) return runSource.tree;
        const tree = openConfiguredSource(config, s3, secrets);
        runSource = { key, tree };
        tree.catch(() => {
          if (runSource?.tree === tree) runSource = undefined;
        });
        return tree;
      },
    };
  }

  /**
   * SQS → one cluster per record, through Powertools' batch processing: a record whose run could not store even an
   * error report is reported back as a batch item failure, so only it is retried (and after 3 tries goes to the DLQ).
   */
  async function auditRecords(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const config = await loadRuntimeConfig(requiredEnv('DRIFTWATCH_CONFIG'), configClients);
    const prefix = process.env['REPORT_PREFIX'] ?? '';
    const destination = parseS3Destination(`s3://${requiredEnv('REPORT_BUCKET')}${prefix ? `/${prefix}` : ''}`);
    const auditRecord = async (record: SQSRecord): Promise<void> => {
      let message: AuditMessage;
      try {
        message = parseAuditMessage(record.body);
      } catch (error) {
        logger.error('not an audit message; it will go to the DLQ', {
          messageId: record.messageId,
          error: error instanceof Error ? error : new Error(String(error)),
        });
        throw error;
      }
      const recordLogger = logger.createChild({
        persistentKeys: { cluster: message.cluster, runId: message.runId, messageId: record.messageId },
      });
      const metrics = recordMetrics(message.cluster);
      const metricSink = metricSinkOf(metrics);
      try {
        await auditAndPublish(
          {
            config,
            s3,
            sns,
            eks,
            logs: logsClient,
            secrets,
            destination,
            source: sourceOfRun(config, message.runId),
            ...optionalEnv('REPORT_KMS_KEY_ID', 'kmsKeyId'),
            ...optionalEnv('TOPIC_ARN', 'topicArn'),
            ...optionalEnv('SLACK_WEBHOOK_SECRET_ID', 'slackWebhookSecretId'),
            linkExpiresSeconds,
            ...(linkClient ? { linkClient } : {}),
            log: logOf(recordLogger),
            metrics: metricSink,
            clock: { now: () => new Date(), remainingMs: () => context.getRemainingTimeInMillis() },
          },
          message,
        );
      } catch (error) {
        // The Error itself: Powertools logs its name, message, stack and cause.
        recordLogger.error('audit failed; the message will be retried', {
          error: error instanceof Error ? error : new Error(String(error)),
        });
        metricSink.count('AuditFailures', 1);
        throw error;
      } finally {
        metrics.publishStoredMetrics();
      }
    };
    return processPartialResponse(event, auditRecord, processor, { context, throwOnFullBatchFailure: false });
  }

  return auditRecords;
}

function optionalEnv<K extends string>(name: string, key: K): Partial<Record<K, string>> {
  const value = process.env[name];
  return value ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}
