import { randomUUID } from 'node:crypto';
import { readCluster } from '../cluster/live.ts';
import { readSnapshot } from '../cluster/snapshot.ts';
import type { LiveState } from '../cluster/types.ts';
import type { KindRef } from '../pipeline/audit-cluster.ts';
import { auditCluster } from '../pipeline/audit-cluster.ts';
import type { ReportFormat } from '../report/format.ts';
import { formatReport } from '../report/format.ts';
import { toPolicyReport } from '../report/policy-report.ts';
import type { Report } from '../report/report.ts';
import { openSource } from '../source/open.ts';
import type { SourceTree } from '../source/types.ts';
import { applyHistory } from '../report/history.ts';
import { readLatestLocalReport, writeLocalReport } from '../store/local.ts';
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

/** `driftwatch audit`: every planned cluster, one report each on stdout (a JSON array when several and --format json). */
export async function runAudit(flags: AuditFlags): Promise<number> {
  const progress = progressWriter(flags.quiet === true);
  const plan = await planRun(flags);
  const tree = plan.source ? await readSource(plan.source, progress) : undefined;
  if (!tree) progress('no --source: running the cluster checks only');
  const runId = randomUUID().slice(0, 8);
  const reports: Report[] = [];
  for (const cluster of plan.clusters) {
    progress(`auditing cluster ${cluster.name}`);
    const previous = await readLatestLocalReport(plan.destination, cluster.name);
    const audited = await auditCluster({
      cluster: cluster.name,
      sourcePath: cluster.sourcePath,
      ...(cluster.namespaces ? { namespaces: cluster.namespaces } : {}),
      includeSecrets: cluster.includeSecrets,
      ...(tree ? { tree } : {}),
      readLive: (kinds, namespaces) => readLive(cluster, kinds, namespaces, { progress, timeoutMs: flags.requestTimeout * 1000 }),
      drift: plan.drift,
      checks: { ...plan.checks, ...(previous ? { since: new Date(previous.generatedAt) } : {}) },
      runId,
      onProgress: progress,
    });
    const report = applyHistory(audited, previous);
    reports.push(report);
    if (plan.destination && flags.write) {
      const written = await writeLocalReport(plan.destination, report);
      progress(`report written to ${written.report} (latest: ${written.latest})`);
    }
  }
  process.stdout.write(render(reports, flags.format));
  for (const report of reports) {
    if (report.scan.error) process.stderr.write(`driftwatch: cluster ${report.cluster}: ${report.scan.error} (report marked incomplete)\n`);
  }
  return exitCode(reports, flags.failOn);
}

async function readSource(source: NonNullable<RunPlan['source']>, progress: (line: string) => void): Promise<SourceTree> {
  progress(`reading source ${source.location}`);
  const tree = await openSource(source.location, source.options);
  progress(`source: ${tree.files.length} files${tree.commit ? ` at commit ${tree.commit}` : ''}`);
  return tree;
}

function readLive(
  cluster: ClusterPlan,
  kinds: readonly KindRef[],
  namespaces: readonly string[] | undefined,
  options: { progress: (line: string) => void; timeoutMs: number },
): Promise<LiveState> {
  if (cluster.access.type === 'snapshot') return readSnapshot(cluster.access.path);
  return readCluster({
    ...(cluster.access.path ? { kubeconfigPath: cluster.access.path } : {}),
    ...(cluster.access.context ? { context: cluster.access.context } : {}),
    ...(namespaces ? { namespaces: [...namespaces] } : {}),
    kinds: [...kinds],
    timeoutMs: options.timeoutMs,
    onProgress: options.progress,
  });
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
