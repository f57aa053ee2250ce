/**
 * EKS control-plane audit logs in CloudWatch Logs (`/aws/eks/<cluster>/cluster`, streams `kube-apiserver-audit-*`):
 * FilterLogEvents over the window in question only, with a filter pattern on the verbs and, when they fit, the
 * names of the objects in question, so that a busy cluster does not mean gigabytes read. IAM: logs:FilterLogEvents
 * on that log group.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AuditLineParser } from '../auditlog/index.ts';
import type { AuditLogRead, AuditLogRequest, AuditLogSource } from '../auditlog/index.ts';

export interface CloudWatchAuditLogOptions {
  client: Pick<CloudWatchLogsClient, 'send'>;
  logGroup: string;
  /** The end of the window (the audit's time). */
  now: Date;
  /** How far back at most (default 7 days): also the window when a missing object leaves no time to start from. */
  maxWindowMs?: number;
  /** Pages of FilterLogEvents at most (default 200): a bound on what one audit reads. */
  maxPages?: number;
}

export const AUDIT_STREAM_PREFIX = 'kube-apiserver-audit';
const DEFAULT_WINDOW_MS = 7 * 24 * 3_600_000;
/** CloudWatch Logs limits a filter pattern to 1024 characters. */
const MAX_PATTERN = 1024;

export function cloudWatchAuditLog(options: CloudWatchAuditLogOptions): AuditLogSource {
  return { describe: `cloudwatch ${options.logGroup}`, read: (request) => readWindow(options, request) };
}

/** Completed writes, and only of the objects in question when their names fit in one pattern. */
export function filterPatternFor(request: AuditLogRequest): string {
  const writes =
    '($.stage = "ResponseComplete") && ($.verb = "create" || $.verb = "update" || $.verb = "patch" || $.verb = "delete")';
  const names = [...new Set(request.objects.map((ref) => ref.name))];
  // a name that needs quoting in a pattern is not worth the risk: read every write instead
  if (names.length === 0 || !names.every((name) => /^[a-z0-9.:@_-]+$/i.test(name))) return `{ ${writes} }`;
  const narrowed = `{ ${writes} && (${names.map((name) => `$.objectRef.name = "${name}"`).join(' || ')}) }`;
  return narrowed.length <= MAX_PATTERN ? narrowed : `{ ${writes} }`;
}

async function readWindow(options: CloudWatchAuditLogOptions, request: AuditLogRequest): Promise<AuditLogRead> {
  const parser = new AuditLineParser();
  if (request.objects.length === 0) return parser.result();
  const end = options.now.getTime();
  const oldest = end - (options.maxWindowMs ?? DEFAULT_WINDOW_MS);
  const start = Math.max(oldest, request.since?.getTime() ?? oldest);
  const filterPattern = filterPatternFor(request);
  const maxPages = options.maxPages ?? 200;
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const response = await options.client.send(
      new FilterLogEventsCommand({
        logGroupName: options.logGroup,
        logStreamNamePrefix: AUDIT_STREAM_PREFIX,
        startTime: start,
        endTime: end,
        filterPattern,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    for (const event of response.events ?? []) if (event.message !== undefined) parser.add(event.message);
    nextToken = response.nextToken;
    if (!nextToken) return parser.result();
  }
  return { ...parser.result(), truncated: `read ${maxPages} pages of FilterLogEvents and stopped` };
}
