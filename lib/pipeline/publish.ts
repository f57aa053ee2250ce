import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { presignReportLink } from '../aws/report-link.ts';
import { describeError } from '../io/errors.ts';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { AuditLogSource } from '../auditlog/index.ts';
import { cloudWatchAuditLog } from '../aws/cloudwatch-audit-log.ts';
import type { SecretReader } from '../aws/secrets.ts';
import type { EksAccess } from '../cluster/eks.ts';
import type { DriftwatchConfig } from '../config/load.ts';
import type { ClusterConfig } from '../config/types.ts';
import { buildSlackMessage, sendSlack } from '../notify/slack.ts';
import { buildSnsMessage, publishSns } from '../notify/sns.ts';
import { openSource } from '../source/open.ts';
import type { OpenSourceOptions } from '../source/open.ts';
import type { SourceTree } from '../source/types.ts';
import type { S3Destination } from '../store/s3.ts';
import {
  getLatestReportS3,
  getReportS3,
  getTextS3,
  putJsonS3,
  putLatestS3,
  putReportS3,
  s3ReportKeys,
  s3StateKey,
} from '../store/s3.ts';
import { parseWholeReport } from '../store/local.ts';
import { deliveryStateBody, parseDeliveryState } from './delivery.ts';
import type { DeliveryLedger } from './delivery.ts';
import type { Log, MetricSink } from './observe.ts';
import { runCluster } from './run-cluster.ts';
import type { Clock, ClusterRunOutcome, DeclaredSource, Notifier, ReportStore, StoredReport } from './run-cluster.ts';
import type { AuditMessage } from '../aws/audit-message.ts';

export interface AwsAuditDeps {
  config: DriftwatchConfig;
  s3: S3Client;
  sns: SNSClient;
  secrets: SecretReader;
  eks: EksAccess;
  /** A CloudWatch Logs client for a region, for clusters whose audit log is there (`clusters[].auditLog.cloudWatch`). */
  logs?: (region: string) => Pick<CloudWatchLogsClient, 'send'>;
  destination: S3Destination;
  /** The run's declared state; the handler keeps it while a warm Lambda works through the clusters of a run. */
  source: DeclaredSource;
  kmsKeyId?: string;
  /** Topic from the environment; the config's `notifications.sns.topicArn` is used when absent. */
  topicArn?: string;
  /** Secret holding the Slack webhook URL; the config's `notifications.slack` is used when absent. */
  slackWebhookSecretId?: string;
  /** Lifetime of the report link in notifications (S3 allows at most 7 days; less when the signer's credentials expire sooner). */
  linkExpiresSeconds: number;
  /**
   * The client that signs report links: the dedicated signer's long-lived access key (`REPORT_LINK_SIGNER_SECRET_ID`),
   * so a link lives as long as promised; `s3` (the function's session credentials, hours) when absent.
   */
  linkClient?: S3Client;
  log: Log;
  metrics: MetricSink;
  /** The Lambda's clock: its remaining time decides when an audit is given up for an incomplete report. */
  clock: Clock;
}

/** The AWS adapter of the run path: S3 is the store, SNS and Slack the channels. */
export async function auditAndPublish(deps: AwsAuditDeps, message: AuditMessage): Promise<ClusterRunOutcome> {
  const cluster = deps.config.clusters.find((candidate) => candidate.name === message.cluster);
  if (!cluster) throw new Error(`cluster ${message.cluster} is not in the config`);
  return runCluster(
    {
      settings: {
        renderer: deps.config.renderer,
        drift: {
          ignoreRules: deps.config.ignore,
          trustedManagers: deps.config.trustedManagers,
          ignoreHpaReplicas: deps.config.ignoreHpaReplicas,
        },
        checks: { config: deps.config.checks, exemptions: deps.config.exemptions },
      },
      source: deps.source,
      live: { secrets: deps.secrets, eks: deps.eks },
      store: s3Store(deps),
      notifiers: awsNotifiers(deps),
      ledger: s3Ledger(deps),
      clock: deps.clock,
      log: deps.log,
      metrics: deps.metrics,
    },
    { ...cluster, sourcePath: cluster.path, ...auditLogSourceOf(deps, cluster) },
    { runId: message.runId, ...(message.scheduledAt ? { scheduledAt: message.scheduledAt } : {}) },
  );
}

function auditLogSourceOf(deps: AwsAuditDeps, cluster: ClusterConfig): { auditLogSource?: AuditLogSource } {
  const cloudWatch = cluster.auditLog?.cloudWatch;
  if (!cloudWatch || !deps.logs) return {};
  return {
    auditLogSource: cloudWatchAuditLog({
      client: deps.logs(cloudWatch.region),
      logGroup: cloudWatch.logGroup,
      now: deps.clock.now(),
    }),
  };
}

/** Opens the configured source (token from Secrets Manager when configured); the caller caches the tree. */
export async function openConfiguredSource(
  config: DriftwatchConfig,
  s3: S3Client,
  secrets: SecretReader,
): Promise<SourceTree> {
  const { source } = config;
  const options: OpenSourceOptions = { limits: source.limits, s3Client: s3 };
  const token = source.tokenSecretId ? await secrets.read(source.tokenSecretId) : source.token;
  if (token) options.token = token.trim();
  if (source.tokenHeader) options.tokenHeader = source.tokenHeader;
  if (source.commit) options.commit = source.commit;
  return openSource(source.location, options);
}

function s3Store(deps: AwsAuditDeps): ReportStore {
  const options = deps.kmsKeyId ? { kmsKeyId: deps.kmsKeyId } : {};
  return {
    latest: async (cluster) => {
      let invalid: { where: string; reason: string } | undefined;
      const report = await getLatestReportS3(deps.s3, deps.destination, cluster, (where, reason) => {
        invalid = { where, reason };
      });
      return { ...(report ? { report } : {}), ...(invalid ? { invalid } : {}) };
    },
    get: (cluster, key) => getReportS3(deps.s3, deps.destination.bucket, key, cluster, undefined, parseWholeReport),
    keysOf: (report) => s3ReportKeys(deps.destination, report),
    putReport: (report) => putReportS3(deps.s3, deps.destination, report, options),
    putLatest: (report) => putLatestS3(deps.s3, deps.destination, report, options),
    link: async (keys) => {
      const sign = (client: S3Client) =>
        presignReportLink(client, deps.destination.bucket, keys.report, deps.linkExpiresSeconds, deps.clock.now());
      if (!deps.linkClient) return sign(deps.s3);
      try {
        return await sign(deps.linkClient);
      } catch (error) {
        // The signer's key could not be read: the news still goes out, with a link that says its shorter life.
        deps.log.warn("report link signed with the function's own credentials: the signer's key could not be read", {
          error: describeError(error),
        });
        deps.metrics.count('ReportLinkSignerFailures', 1);
        return sign(deps.s3);
      }
    },
  };
}

/** Delivery state in `state/<cluster>.json`, next to the reports and encrypted like them. */
function s3Ledger(deps: AwsAuditDeps): DeliveryLedger {
  const options = deps.kmsKeyId ? { kmsKeyId: deps.kmsKeyId } : {};
  return {
    read: async (cluster) => {
      const key = s3StateKey(deps.destination, cluster);
      const text = await getTextS3(deps.s3, deps.destination.bucket, key);
      if (text === undefined) return undefined;
      const state = parseDeliveryState(text, cluster);
      if (!state)
        deps.log.warn('delivery state is not valid; every channel counts as up to date with the latest report', {
          cluster,
          key,
        });
      return state;
    },
    write: (state) =>
      putJsonS3(
        deps.s3,
        deps.destination,
        s3StateKey(deps.destination, state.cluster),
        deliveryStateBody(state),
        options,
      ),
  };
}

/** SNS when a topic is set, Slack when a webhook is: each decides on its own whether a report is news for it. */
function awsNotifiers(deps: AwsAuditDeps): Notifier[] {
  const notifications = deps.config.notifications;
  const notifiers: Notifier[] = [];
  const topicArn = deps.topicArn ?? notifications.sns?.topicArn;
  if (topicArn) {
    notifiers.push({
      channel: 'SNS',
      policy: notifications.sns ?? {},
      deliver: async (report, decision, stored) => {
        const messageId = await publishSns(
          deps.sns,
          topicArn,
          buildSnsMessage(report, decision, { ...linkOptions(stored), reportKey: stored.keys.report }),
        );
        return { messageId };
      },
    });
  }
  const slackSecretId = deps.slackWebhookSecretId ?? notifications.slack?.webhookSecretId;
  const configuredUrl = notifications.slack?.webhookUrl;
  if (slackSecretId || configuredUrl) {
    notifiers.push({
      channel: 'Slack',
      policy: notifications.slack ?? {},
      deliver: async (report, decision, stored) => {
        const webhookUrl = slackSecretId ? (await deps.secrets.read(slackSecretId)).trim() : (configuredUrl ?? '');
        const result = await sendSlack(webhookUrl, buildSlackMessage(report, decision, linkOptions(stored)));
        // The delivery names the status or error code, never the webhook URL (a secret).
        if (!result.ok)
          throw new Error(
            `Slack did not take the message after ${result.attempts} attempts: ${result.status ?? ''} ${result.error ?? ''}`.trim(),
          );
        return { attempts: result.attempts };
      },
    });
  }
  return notifiers;
}

/** The report link of a message and when it expires, as both message builders take them. */
function linkOptions(stored: StoredReport): { reportUrl?: string; reportUrlExpiresAt?: string } {
  return stored.url
    ? { reportUrl: stored.url, ...(stored.urlExpiresAt ? { reportUrlExpiresAt: stored.urlExpiresAt } : {}) }
    : {};
}
