import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Report } from '../report/report.ts';
import type { NotificationDecision } from './decide.ts';
import { highestSeverity } from './severity.ts';
import type { RunStatus } from './sns-body.ts';
import { buildSnsBody } from './sns-body.ts';
import { countsOf, headline, title } from './summary.ts';

export interface SnsAttribute {
  DataType: 'String' | 'Number';
  StringValue: string;
}

/** One message per cluster run, ready for `Publish`. */
export interface SnsMessage {
  Subject: string;
  Message: string;
  /** `cluster`, `status`, `highestSeverity` (String); `new`, `resolved`, `modified`, `missing`, `extra` (Number). */
  MessageAttributes: Record<string, SnsAttribute>;
}

export interface SnsMessageOptions {
  /** Link to the full report (e.g. a presigned S3 URL). */
  reportUrl?: string;
  /** When `reportUrl` stops working (ISO 8601). */
  reportUrlExpiresAt?: string;
  /** Where the report is stored (e.g. its S3 key), for subscribers that fetch it themselves. */
  reportKey?: string;
}

/** SNS wants a subject of printable ASCII, one line, under 100 characters. */
export const SNS_SUBJECT_MAX = 99;

/** The SNS message of one cluster run: an ASCII subject, a JSON body, and attributes for filter policies. */
export function buildSnsMessage(
  report: Report,
  decision: NotificationDecision,
  options: SnsMessageOptions = {},
): SnsMessage {
  const counts = countsOf(report);
  const summary = headline(decision);
  const status = runStatus(report, decision);
  const highest = highestSeverity(report);
  const body = buildSnsBody({ report, decision, status, summary, highestSeverity: highest, counts, ...options });
  const number = (value: number): SnsAttribute => ({ DataType: 'Number', StringValue: String(value) });
  return {
    Subject: snsSubject(report.cluster, summary),
    Message: body,
    MessageAttributes: {
      // SNS refuses empty attribute values.
      cluster: { DataType: 'String', StringValue: report.cluster || '-' },
      status: { DataType: 'String', StringValue: status },
      highestSeverity: { DataType: 'String', StringValue: highest ?? 'none' },
      new: number(decision.newDrift.length + decision.newFindings.length),
      resolved: number(decision.resolved.length),
      modified: number(counts.modified),
      missing: number(counts.missing),
      extra: number(counts.extra),
    },
  };
}

function runStatus(report: Report, decision: NotificationDecision): RunStatus {
  if (decision.incomplete) return 'incomplete';
  const activeFindings = report.findings.some((finding) => !finding.exempted);
  return report.drift.length > 0 || activeFindings ? 'drift' : 'clean';
}

/** `driftwatch prod-eu: 3 new drift, 1 resolved`; a long cluster name is shortened first so the counts stay. */
export function snsSubject(cluster: string, summary: string): string {
  return title(toAsciiLine(cluster), toAsciiLine(summary), SNS_SUBJECT_MAX, '...');
}

/** Printable ASCII on one line: accents dropped (`é` → `e`), other characters replaced by `_`. */
export function toAsciiLine(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/gu, '_')
    .trim();
}

/** Publishes one message; returns its MessageId. Errors are the SDK's (they name the topic, which is no secret). */
export async function publishSns(client: SNSClient, topicArn: string, message: SnsMessage): Promise<string> {
  const result = await client.send(new PublishCommand({ TopicArn: topicArn, ...message }));
  if (!result.MessageId) throw new Error(`SNS publish to ${topicArn} returned no MessageId`);
  return result.MessageId;
}
