import { randomUUID } from 'node:crypto';
import { auditCluster } from '../pipeline/audit-cluster.ts';
import { readLiveCapabilities, readLiveState } from '../pipeline/live.ts';
import { RenderError, renderRequestFor } from '../render/index.ts';
import { renderFailure } from './render-failure.ts';
import { failedReport } from '../report/failed.ts';
import type { ReportFormat } from '../report/format.ts';
import { formatReport } from '../report/format.ts';
import { toPolicyReport } from '../report/policy-report.ts';
import type { Report } from '../report/report.ts';
import { displayLocation } from '../source/display.ts';
import { openSource } from '../source/open.ts';
import type { SourceTree } from '../source/types.ts';
import { applyHistory, previousObservedAt } from '../report/history.ts';
import { readLatestLocalReport, writeLocalReport } from '../store/local.ts';
import { printable } from '../io/printable.ts';
import { describeError } from './errors.ts';
import { EXIT } from './exit.ts';
import type { FailOn } from './main.ts';
import type { ClusterPlan, PlanFlags, RunPlan } from './plan.ts';
import { planRun } from './plan.ts';
import { progressWriter } from './progress.ts';

export interface AuditFlags extends PlanFlags {
  requestTimeout: number;
  write: boolean;
  format: ReportFormat;
  failOn: FailOn[];
  quiet?: boolean;
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
  const context: RunContext = { plan, source: await readRunSource(plan.source, progress), runId: randomUUID().slice(0, 8), flags, progress };
  const reports: Report[] = [];
  for (const cluster of plan.clusters) reports.push(await auditOne(context, cluster));
  process.stdout.write(render(reports, flags.format));
  for (const report of reports) {
    if (report.scan.error) process.stderr.write(`driftwatch: cluster ${report.cluster}: ${printable(report.scan.error)} (report marked incomplete)\n`);
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
    const tree = await openSource(source.location, source.options);
    progress(`source: ${tree.files.length} files${tree.commit ? ` at commit ${tree.commit}` : ''}`);
    return { tree };
  } catch (error) {
    const message = describeError(error);
    progress(`source ${shown} cannot be read: ${message}`);
    return { error: message };
  }
}

/** One cluster: audit (or an error report when anything fails), history from the previous report, report file. */
async function auditOne(context: RunContext, cluster: ClusterPlan): Promise<Report> {
  const { plan, flags, progress } = context;
  progress(`auditing cluster ${cluster.name}`);
  const stored = await readLatestLocalReport(plan.destination, cluster.name, (where) =>
    progress(`warning: ${where} is not a valid report; history starts afresh`),
  );
  // Same name, another audit (a --cluster reused for another source or snapshot): not this run's history.
  const previous = stored && stored.identity === cluster.identity ? stored : undefined;
  if (stored && !previous) progress(`the latest report of ${cluster.name} is of another audit; history starts afresh`);
  const audited = await auditOrFail(context, cluster, previous ? previousObservedAt(previous) : undefined);
  const report = applyHistory(audited, previous);
  if (plan.destination && flags.write) {
    const written = await writeLocalReport(plan.destination, report);
    progress(`report written to ${written.report} (latest: ${written.latest})`);
  }
  return report;
}

async function auditOrFail(context: RunContext, cluster: ClusterPlan, previousAt: Date | undefined): Promise<Report> {
  const { plan, source, runId, flags, progress } = context;
  const failed = (error: string, cause?: unknown): Report =>
    failedReport({
      runId,
      cluster: cluster.name,
      ...(cluster.identity ? { identity: cluster.identity } : {}),
      generatedAt: new Date(),
      sourcePath: cluster.sourcePath,
      sourceLocation: plan.source ? displayLocation(plan.source.location) : 'none',
      error,
      ...(cause instanceof RenderError ? renderFailure(cause, cluster.sourcePath) : {}),
    });
  if ('error' in source) return failed(`source cannot be read: ${source.error}`);
  try {
    return await auditCluster({
      cluster: cluster.name,
      ...(cluster.identity ? { identity: cluster.identity } : {}),
      sourcePath: cluster.sourcePath,
      ...(cluster.namespaces ? { namespaces: cluster.namespaces } : {}),
      includeSecrets: cluster.includeSecrets,
      ...(source.tree ? { tree: source.tree } : {}),
      readLive: (kinds, namespaces) => readLiveState(cluster.access, kinds, namespaces, { onProgress: progress, timeoutMs: flags.requestTimeout * 1000 }),
      render: renderRequestFor(plan.renderer, cluster, () => readLiveCapabilities(cluster.access, { timeoutMs: flags.requestTimeout * 1000 })),
      drift: plan.drift,
      checks: { ...plan.checks, ...(previousAt ? { since: previousAt } : {}) },
      runId,
      onProgress: progress,
    });
  } catch (error) {
    return failed(describeError(error), error);
  }
}

/** One JSON document for one cluster, an array of them for several; text formats one after the other. */
function render(reports: readonly Report[], format: ReportFormat): string {
  if (format === 'json' || format === 'policyreport') {
    const documents = reports.map((report) => (format === 'json' ? report : toPolicyReport(report)));
    return `${JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2)}\n`;
  }
  const color = format === 'table' && process.stdout.isTTY === true && !process.env['NO_COLOR'];
  return reports.map((report) => formatReport(report, format, { color })).join('\n');
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const;
type Severity = (typeof SEVERITY_ORDER)[number];

function isSeverity(value: string): value is Severity {
  return (SEVERITY_ORDER as readonly string[]).includes(value);
}

/**
 * 2 when a cluster could not be read at all; 1 when drift of a kind named by --fail-on exists; 3 when a scan was
 * incomplete and nothing else failed.
 */
export function exitCode(reports: readonly Report[], failOn: readonly FailOn[]): number {
  if (reports.some((report) => report.scan.error)) return EXIT.error;
  const statuses = new Set(reports.flatMap((report) => report.drift.map((entry) => entry.status)));
  const severities = new Set(reports.flatMap((report) => report.findings.filter((finding) => !finding.exempted).map((finding) => finding.severity)));
  const incomplete = reports.some((report) => !report.scan.complete || report.source.failedFiles.length > 0);
  const fails = failOn.some((kind) => {
    if (kind === 'none') return false;
    if (kind === 'drift') return statuses.size > 0;
    if (kind === 'incomplete') return incomplete;
    if (isSeverity(kind)) return SEVERITY_ORDER.slice(0, SEVERITY_ORDER.indexOf(kind) + 1).some((severity) => severities.has(severity));
    return statuses.has(kind);
  });
  if (fails) return EXIT.drift;
  if (incomplete && !failOn.includes('none')) return EXIT.incomplete;
  return EXIT.clean;
}
