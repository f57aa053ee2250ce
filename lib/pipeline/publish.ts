import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { SecretReader } from '../aws/secrets.ts';
import type { EksAccess } from '../cluster/eks.ts';
import type { DriftwatchConfig } from '../config/load.ts';
import { notificationFor } from '../notify/decide.ts';
import { buildSlackMessage, sendSlack } from '../notify/slack.ts';
import { buildSnsMessage, publishSns } from '../notify/sns.ts';
import { applyHistory, previousObservedAt } from '../report/history.ts';
import type { Report } from '../report/report.ts';
import { renderRequestFor } from '../render/index.ts';
import { openSource } from '../source/open.ts';
import type { OpenSourceOptions } from '../source/open.ts';
import type { SourceTree } from '../source/types.ts';
import type { ReportKeys } from '../store/layout.ts';
import type { S3Destination } from '../store/s3.ts';
import { getLatestReportS3, putLatestS3, putReportS3 } from '../store/s3.ts';
import { auditCluster } from './audit-cluster.ts';
import { readLiveCapabilities, readLiveState } from './live.ts';
import type { Log, MetricSink } from './observe.ts';

/** One SQS message: audit this cluster as part of this run. */
export interface AuditMessage {
  runId: string;
  cluster: string;
  scheduledAt?: string;
}

export interface AwsAuditDeps {
  config: DriftwatchConfig;
  s3: S3Client;
  sns: SNSClient;
  secrets: SecretReader;
  eks: EksAccess;
  destination: S3Destination;
  kmsKeyId?: string;
  /** Topic from the environment; the config's `notifications.sns.topicArn` is used when absent. */
  topicArn?: string;
  /** Secret holding the Slack webhook URL; the config's `notifications.slack` is used when absent. */
  slackWebhookSecretId?: string;
  /** Lifetime of the report link in notifications (S3 allows at most 7 days). */
  linkExpiresSeconds: number;
  log: Log;
  metrics: MetricSink;
  now?: () => Date;
}

export interface AuditOutcome {
  report: Report;
  keys: ReportKeys;
  notified: { sns: boolean; slack: 'sent' | 'failed' | 'skipped' };
}

const MAX_LINK_SECONDS = 7 * 24 * 3600;

/** The source tree of the run, kept while a warm Lambda works through the clusters of that run. */
let cachedSource: { key: string; tree: SourceTree } | undefined;

/** Audits one cluster, stores the report with its history in S3, and notifies when something changed. */
export async function auditAndPublish(deps: AwsAuditDeps, message: AuditMessage): Promise<AuditOutcome> {
  const started = Date.now();
  const cluster = deps.config.clusters.find((candidate) => candidate.name === message.cluster);
  if (!cluster) throw new Error(`cluster ${message.cluster} is not in the config`);
  const tree = await sourceFor(deps, message.runId);
  const previous = await getLatestReportS3(deps.s3, deps.destination, cluster.name, (where) =>
    deps.log.warn('previous report is not a valid report; history starts afresh', { cluster: cluster.name, where }),
  );
  const audited = await auditCluster({
    cluster: cluster.name,
    sourcePath: cluster.path,
    ...(cluster.namespaces ? { namespaces: cluster.namespaces } : {}),
    includeSecrets: cluster.includeSecrets,
    tree,
    readLive: (kinds, namespaces) => readLiveState(cluster.access, kinds, namespaces, { secrets: deps.secrets, eks: deps.eks }),
    render: renderRequestFor(deps.config.renderer, cluster, () => readLiveCapabilities(cluster.access, { secrets: deps.secrets, eks: deps.eks })),
    drift: { ignoreRules: deps.config.ignore, trustedManagers: deps.config.trustedManagers, ignoreHpaReplicas: deps.config.ignoreHpaReplicas },
    checks: { config: deps.config.checks, exemptions: deps.config.exemptions, ...(previous ? { since: previousObservedAt(previous) } : {}) },
    runId: message.runId,
    ...(deps.now ? { now: deps.now } : {}),
    onProgress: (line) => deps.log.info(line, { cluster: cluster.name, runId: message.runId }),
  });
  const report = applyHistory(audited, previous);
  const storeOptions = deps.kmsKeyId ? { kmsKeyId: deps.kmsKeyId } : {};
  const keys = await putReportS3(deps.s3, deps.destination, report, storeOptions);
  recordMetrics(deps.metrics, report, Date.now() - started);
  deps.log.info('report stored', { cluster: cluster.name, runId: message.runId, key: keys.report, drift: report.drift.length, complete: report.scan.complete });
  const notified = await notify(deps, report, keys);
  await putLatestS3(deps.s3, deps.destination, report, storeOptions);
  return { report, keys, notified };
}

async function sourceFor(deps: AwsAuditDeps, runId: string): Promise<SourceTree> {
  const { source } = deps.config;
  const key = `${runId}|${source.location}`;
  if (cachedSource?.key === key) return cachedSource.tree;
  const options: OpenSourceOptions = { limits: source.limits, s3Client: deps.s3 };
  const token = source.tokenSecretId ? await deps.secrets.read(source.tokenSecretId) : source.token;
  if (token) options.token = token.trim();
  if (source.tokenHeader) options.tokenHeader = source.tokenHeader;
  if (source.commit) options.commit = source.commit;
  const tree = await openSource(source.location, options);
  cachedSource = { key, tree };
  return tree;
}

function recordMetrics(metrics: MetricSink, report: Report, durationMs: number): void {
  metrics.count('DriftModified', report.summary.modified);
  metrics.count('DriftMissing', report.summary.missing);
  metrics.count('DriftExtra', report.summary.extra);
  metrics.count('DriftNew', report.history?.counts.new ?? 0);
  metrics.count('DriftResolved', report.history?.counts.resolved ?? 0);
  for (const severity of ['critical', 'high', 'medium', 'low', 'info'] as const) {
    metrics.count(`Findings${severity[0]?.toUpperCase()}${severity.slice(1)}`, report.findings.filter((finding) => finding.severity === severity && !finding.exempted).length);
  }
  const scanErrors = report.scan.lists.filter((list) => list.status !== 'listed').length + (report.scan.error ? 1 : 0) + report.source.failedFiles.length;
  metrics.count('ScanErrors', scanErrors);
  metrics.milliseconds('AuditDuration', durationMs);
}

async function reportLink(deps: AwsAuditDeps, key: string): Promise<string> {
  const expiresIn = Math.min(Math.max(60, deps.linkExpiresSeconds), MAX_LINK_SECONDS);
  return getSignedUrl(deps.s3, new GetObjectCommand({ Bucket: deps.destination.bucket, Key: key }), { expiresIn });
}

/** SNS and Slack are independent: a failing Slack never blocks SNS, and neither loses the stored report. */
async function notify(deps: AwsAuditDeps, report: Report, keys: ReportKeys): Promise<AuditOutcome['notified']> {
  const notifications = deps.config.notifications;
  const topicArn = deps.topicArn ?? notifications.sns?.topicArn;
  const slackSecretId = deps.slackWebhookSecretId ?? notifications.slack?.webhookSecretId;
  const snsDecision = topicArn ? notificationFor(report, notifications.sns ?? {}) : undefined;
  const slackDecision = slackSecretId || notifications.slack?.webhookUrl ? notificationFor(report, notifications.slack ?? {}) : undefined;
  if (!snsDecision && !slackDecision) return { sns: false, slack: 'skipped' };
  const reportUrl = await reportLink(deps, keys.report);
  let sns = false;
  if (topicArn && snsDecision) {
    const messageId = await publishSns(deps.sns, topicArn, buildSnsMessage(report, snsDecision, { reportUrl, reportKey: keys.report }));
    deps.log.info('SNS notified', { cluster: report.cluster, messageId });
    sns = true;
  }
  if (!slackDecision) return { sns, slack: 'skipped' };
  const webhookUrl = slackSecretId ? (await deps.secrets.read(slackSecretId)).trim() : notifications.slack?.webhookUrl;
  if (!webhookUrl) return { sns, slack: 'skipped' };
  const result = await sendSlack(webhookUrl, buildSlackMessage(report, slackDecision, { reportUrl }));
  if (result.ok) {
    deps.log.info('Slack notified', { cluster: report.cluster, attempts: result.attempts });
    return { sns, slack: 'sent' };
  }
  deps.log.error('Slack notification failed', { cluster: report.cluster, attempts: result.attempts, status: result.status, error: result.error });
  deps.metrics.count('SlackFailures', 1);
  return { sns, slack: 'failed' };
}
