import type { Report } from '../report/report.ts';
import { brief } from '../report/format.ts';
import type { NewDrift, NotificationDecision } from './decide.ts';
import type { NotificationCounts } from './summary.ts';
import type { Severity } from '../checks/index.ts';

/** `drift` while the report shows drift or active findings, `incomplete` when the scan could not see everything. */
export type RunStatus = 'drift' | 'clean' | 'incomplete';

/** The JSON an SNS subscriber receives (`Message`): the run in brief, with capped lists and a link to the report. */
export interface SnsBody {
  source: 'driftwatch';
  cluster: string;
  runId: string;
  generatedAt: string;
  commit?: string;
  status: RunStatus;
  summary: string;
  highestSeverity: Severity | 'none';
  counts: NotificationCounts;
  newItems: { total: number; omitted: number; drift: DriftItem[]; findings: FindingItem[] };
  resolved: { total: number; omitted: number; items: ResolvedBrief[] };
  scan?: ScanBrief;
  report: { url?: string; urlExpiresAt?: string; key?: string };
}

interface ObjectBrief {
  kind: string;
  namespace?: string;
  name: string;
}

interface DriftItem extends ObjectBrief {
  apiVersion: string;
  status: string;
  severity: Severity;
  path?: string;
  declared?: string;
  live?: string;
  manager?: string;
  /** The person who made the change, from the cluster's audit log. */
  changedBy?: string;
  time?: string;
  firstSeen?: string;
}

interface FindingItem extends ObjectBrief {
  check: string;
  severity: Severity;
  message: string;
}

interface ResolvedBrief extends ObjectBrief {
  type: 'drift' | 'finding';
  path?: string;
  check?: string;
  firstSeen: string;
  resolvedAt: string;
}

interface ScanBrief {
  complete: boolean;
  error?: string;
  failedLists: Array<{ group: string; resource: string; namespace?: string; status: string; error?: string }>;
  unverified: number;
  failedFiles: Array<{ file: string; line?: number; message: string }>;
}

/** Under SNS's 256 KB with room for subject, attributes and the envelope. */
export const SNS_BODY_BUDGET = 200_000;
/** Lists start at this many items and are halved until the body fits its budget. */
const FIRST_CAP = 500;
const PROBLEM_CAP = 50;
const VALUE_WIDTH = 200;
const TEXT_WIDTH = 500;

export interface BodyInput {
  report: Report;
  decision: NotificationDecision;
  status: RunStatus;
  summary: string;
  highestSeverity: Severity | undefined;
  counts: NotificationCounts;
  reportUrl?: string;
  reportUrlExpiresAt?: string;
  reportKey?: string;
}

/** The body as JSON text, with lists cut (and counted as omitted) until it fits SNS_BODY_BUDGET bytes. */
export function buildSnsBody(input: BodyInput): string {
  for (let cap = FIRST_CAP; cap > 0; cap = Math.floor(cap / 2)) {
    const text = JSON.stringify(bodyWithCap(input, cap));
    if (Buffer.byteLength(text, 'utf8') <= SNS_BODY_BUDGET) return text;
  }
  return JSON.stringify(bodyWithCap(input, 0));
}

function bodyWithCap(input: BodyInput, cap: number): SnsBody {
  const { report, decision } = input;
  const drift = decision.newDrift.slice(0, cap).map(driftItem);
  const findings = decision.newFindings.slice(0, cap).map((finding) => ({
    ...objectBrief(finding),
    check: finding.check,
    severity: finding.severity,
    message: brief(finding.message, TEXT_WIDTH),
  }));
  const resolved = decision.resolved.slice(0, cap).map((item) => {
    const shown: ResolvedBrief = {
      ...objectBrief(item),
      type: item.type,
      firstSeen: item.firstSeen,
      resolvedAt: item.resolvedAt,
    };
    if (item.path !== undefined) shown.path = brief(item.path, TEXT_WIDTH);
    if (item.check !== undefined) shown.check = item.check;
    return shown;
  });
  const totalNew = decision.newDrift.length + decision.newFindings.length;
  const body: SnsBody = {
    source: 'driftwatch',
    cluster: report.cluster,
    runId: report.runId,
    generatedAt: report.generatedAt,
    ...(report.source.commit ? { commit: report.source.commit } : {}),
    status: input.status,
    summary: input.summary,
    highestSeverity: input.highestSeverity ?? 'none',
    counts: input.counts,
    newItems: { total: totalNew, omitted: totalNew - drift.length - findings.length, drift, findings },
    resolved: { total: decision.resolved.length, omitted: decision.resolved.length - resolved.length, items: resolved },
    report: reportLink(input),
  };
  if (decision.incomplete) body.scan = scanBrief(report, decision);
  return body;
}

function objectBrief(item: { kind: string; namespace?: string; name: string }): ObjectBrief {
  return item.namespace
    ? { kind: item.kind, namespace: item.namespace, name: item.name }
    : { kind: item.kind, name: item.name };
}

/** Values as short strings via brief(): a subscriber gets a hint of the change, the report has the rest. */
function driftItem({ entry, change, severity }: NewDrift): DriftItem {
  const item: DriftItem = { ...objectBrief(entry), apiVersion: entry.apiVersion, status: entry.status, severity };
  const manager = change ? change.manager : entry.manager;
  const actor = change ? change.actor : entry.actor;
  const time = change ? change.time : entry.time;
  const firstSeen = change ? change.firstSeen : entry.firstSeen;
  if (change) {
    item.path = brief(change.path, TEXT_WIDTH);
    item.declared = brief(change.declared, VALUE_WIDTH);
    item.live = brief(change.live, VALUE_WIDTH);
  }
  if (manager) item.manager = manager;
  if (actor) item.changedBy = actor.username;
  if (time) item.time = time;
  if (firstSeen) item.firstSeen = firstSeen;
  return item;
}

function scanBrief(report: Report, decision: NotificationDecision): ScanBrief {
  const problems = decision.incomplete;
  const failedLists = (problems?.failedLists ?? []).slice(0, PROBLEM_CAP).map((list) => {
    const shown: ScanBrief['failedLists'][number] = { group: list.group, resource: list.resource, status: list.status };
    if (list.namespace) shown.namespace = list.namespace;
    if (list.error) shown.error = brief(list.error, TEXT_WIDTH);
    return shown;
  });
  const failedFiles = (problems?.failedFiles ?? []).slice(0, PROBLEM_CAP).map((file) => {
    const shown: ScanBrief['failedFiles'][number] = {
      file: brief(file.file, TEXT_WIDTH),
      message: brief(file.message, TEXT_WIDTH),
    };
    if (file.line !== undefined) shown.line = file.line;
    return shown;
  });
  const scan: ScanBrief = {
    complete: report.scan.complete,
    failedLists,
    unverified: problems?.unverified ?? 0,
    failedFiles,
  };
  if (problems?.error) scan.error = brief(problems.error, TEXT_WIDTH);
  return scan;
}

function reportLink(input: BodyInput): SnsBody['report'] {
  const link: SnsBody['report'] = {};
  if (input.reportUrl) link.url = input.reportUrl;
  if (input.reportUrl && input.reportUrlExpiresAt) link.urlExpiresAt = input.reportUrlExpiresAt;
  if (input.reportKey) link.key = input.reportKey;
  return link;
}
