import { randomUUID } from 'node:crypto';
import { fileAuditLog } from '../auditlog/index.ts';
import type { Log, MetricSink } from '../pipeline/observe.ts';
import { runCluster } from '../pipeline/run-cluster.ts';
import type { ReportStore } from '../pipeline/run-cluster.ts';
import type { ReportFormat } from '../report/format.ts';
import { formatReport } from '../report/format.ts';
import { toPolicyReport } from '../report/policy-report.ts';
import type { Report } from '../report/report.ts';
import { displayLocation } from '../source/display.ts';
import { openCliSource } from './open-source.ts';
import type { SourceTree } from '../source/types.ts';
import {
  localKeys,
  parseWholeReport,
  readLatestLocalReport,
  readLocalReport,
  writeLocalDated,
  writeLocalLatest,
} from '../store/local.ts';
import { printable } from '../io/printable.ts';
import { describeError } from '../io/errors.ts';
import { EXIT } from './exit.ts';
import type { FailOn } from './exit.ts';
import type { ClusterPlan, PlanFlags, RunPlan } from './run-options.ts';
import { UsageError, planRun } from './run-options.ts';
import { progressWriter } from './progress.ts';
import { atOrAbove, isSeverity } from '../checks/index.ts';

export interface AuditFlags extends PlanFlags {
  requestTimeout: number;
  write: boolean;
  format: ReportFormat;
  failOn: FailOn[];
  quiet?: boolean;
  /** `--audit-log FILE`, repeatable: the audited cluster's audit log. */
  auditLog?: string[];
}

/** The declared state of the run, shared by its clusters: a tree, nothing (checks only), or why it could not be read. */
type RunSource = { tree?: SourceTree } | { error: string };

interface RunContext {
  plan: RunPlan;
  source: RunSource;
  runId: string;
  flags: AuditFlags;
  progress: (line: string) => void;
}

/**
 * `driftwatch audit`: every planned cluster, one report each on stdout (a JSON array when several and --format json).
 * A cluster that cannot be audited gets an error report (exit 2) and the other clusters are still audited.
 */
export async function runAudit(flags: AuditFlags): Promise<number> {
  const progress = progressWriter(flags.quiet === true);
  const plan = await planRun(flags);
  const auditLogFiles = flags.auditLog ?? [];
  if (auditLogFiles.length > 0 && plan.clusters.length > 1)
    throw new UsageError('--audit-log is the log of one cluster: name it with --cluster');
  const context: RunContext = {
    plan,
    source: await readRunSource(plan.source, progress),
    runId: randomUUID().slice(0, 8),
    flags,
    progress,
  };
  const reports: Report[] = [];
  for (const cluster of plan.clusters) reports.push(await auditOne(context, cluster));
  process.stdout.write(render(reports, flags.format));
  for (const report of reports) {
    if (report.scan.error)
      process.stderr.write(
        `driftwatch: cluster ${report.cluster}: ${printable(report.scan.error)} (report marked incomplete)\n`,
      );
  }
  return exitCode(reports, flags.failOn);
}

async function readRunSource(source: RunPlan['source'], progress: (line: string) => void): Promise<RunSource> {
  if (!source) {
    progress('no --source: running the cluster checks only');
    return {};
  }
  const shown = displayLocation(source.location);
  progress(`reading source ${shown}`);
  try {
    const tree = await openCliSource(source.location, source.options);
    progress(`source: ${tree.files.length} files${tree.commit ? ` at commit ${tree.commit}` : ''}`);
    return { tree };
  } catch (error) {
    const message = describeError(error);
    progress(`source ${shown} cannot be read: ${message}`);
    return { error: message };
  }
}

/**
 * One cluster through the shared run path (lib/pipeline/run-cluster.ts): the local folder is the store (or nothing is
 * written with --no-write), no notifier, progress on stderr.
 */
async function auditOne(context: RunContext, cluster: ClusterPlan): Promise<Report> {
  const { plan, source, flags, progress } = context;
  progress(`auditing cluster ${cluster.name}`);
  const write = flags.write;
  const outcome = await runCluster(
    {
      settings: { renderer: plan.renderer, drift: plan.drift, checks: plan.checks },
      source: {
        location: plan.source ? displayLocation(plan.source.location) : 'none',
        open: async () => {
          if ('error' in source) throw new Error(source.error);
          return source.tree;
        },
      },
      live: { onProgress: progress, timeoutMs: flags.requestTimeout * 1000 },
      store: localStore(plan.destination, write),
      notifiers: [],
      clock: { now: () => new Date() },
      log: progressLog(progress),
      metrics: NO_METRICS,
    },
    flags.auditLog !== undefined && flags.auditLog.length > 0
      ? { ...cluster, auditLogSource: fileAuditLog(flags.auditLog) }
      : cluster,
    { runId: context.runId },
  );
  // Only a run with a delivery ledger can meet a later run of its cluster; the CLI has none.
  if (outcome.status === 'stale')
    throw new Error(`cluster ${cluster.name}: a later run ${outcome.later.runId} already audited it`);
  if (write) progress(`report written to ${outcome.keys.report} (latest: ${outcome.keys.latest})`);
  return outcome.report;
}

/** The report folder as the run's store; with --no-write it still gives the previous report, and keeps nothing. */
function localStore(folder: string, write: boolean): ReportStore {
  return {
    latest: async (cluster) => {
      let invalid: { where: string; reason: string } | undefined;
      const report = await readLatestLocalReport(folder, cluster, (where, reason) => {
        invalid = { where, reason };
      });
      return { ...(report ? { report } : {}), ...(invalid ? { invalid } : {}) };
    },
    get: (cluster, key) => readLocalReport(key, cluster, undefined, parseWholeReport),
    keysOf: (report) => localKeys(folder, report),
    putReport: (report) => (write ? writeLocalDated(folder, report) : Promise.resolve(localKeys(folder, report))),
    putLatest: (report) => (write ? writeLocalLatest(folder, report) : Promise.resolve()),
  };
}

/** Progress lines for people: warnings say so, errors are in the report (and on stderr at the end). */
function progressLog(progress: (line: string) => void): Log {
  return {
    info: (message) => progress(message),
    warn: (message) => progress(`warning: ${message}`),
    error: () => {},
  };
}

const NO_METRICS: MetricSink = { count: () => {}, milliseconds: () => {} };

/** One JSON document for one cluster, an array of them for several; text formats one after the other. */
function render(reports: readonly Report[], format: ReportFormat): string {
  if (format === 'json' || format === 'policyreport') {
    const documents = reports.map((report) => (format === 'json' ? report : toPolicyReport(report)));
    return `${JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2)}\n`;
  }
  const color = format === 'table' && process.stdout.isTTY === true && !process.env['NO_COLOR'];
  return reports.map((report) => formatReport(report, format, { color })).join('\n');
}

/**
 * 2 when a cluster could not be read at all; 1 when drift of a kind named by --fail-on exists; 3 when a scan was
 * incomplete and nothing else failed.
 */
export function exitCode(reports: readonly Report[], failOn: readonly FailOn[]): number {
  if (reports.some((report) => report.scan.error)) return EXIT.error;
  const statuses = new Set(reports.flatMap((report) => report.drift.map((entry) => entry.status)));
  const severities = new Set(
    reports.flatMap((report) =>
      report.findings.filter((finding) => !finding.exempted).map((finding) => finding.severity),
    ),
  );
  const incomplete = reports.some((report) => !report.scan.complete || report.source.failedFiles.length > 0);
  const fails = failOn.some((kind) => {
    if (kind === 'none') return false;
    if (kind === 'drift') return statuses.size > 0;
    if (kind === 'incomplete') return incomplete;
    if (isSeverity(kind)) return atOrAbove(kind).some((severity) => severities.has(severity));
    return statuses.has(kind);
  });
  if (fails) return EXIT.drift;
  if (incomplete && !failOn.includes('none')) return EXIT.incomplete;
  return EXIT.clean;
}
