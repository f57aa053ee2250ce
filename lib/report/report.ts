import type { AttributedDriftEntry, AttributedFinding, AuditLogSummary } from '../auditlog/index.ts';
import type { ListOutcome, LiveState } from '../cluster/types.ts';
import type { DriftEntry, DriftResult } from '../diff/drift.ts';
import type { ObjectRef } from '../kube/object.ts';
import type { RenderInfo } from '../render/index.ts';
import type { DeclaredState, SourceProblem } from '../source/types.ts';
import { severityCounts } from '../checks/index.ts';

export const REPORT_SCHEMA_VERSION = '1.0';

/** A finding as the report holds it: the checks' finding (lib/checks), with who made its object when the audit log says. */
export type Finding = AttributedFinding;

export interface ScanCompleteness {
  /** True when every LIST in scope succeeded and the live state was read to the end. */
  complete: boolean;
  /** Why reading the live state stopped, when it did. */
  error?: string;
  lists: ListOutcome[];
  /** Declared objects whose type could not be listed: neither confirmed nor reported missing. */
  unverified: ObjectRef[];
  /** Live objects compared without managedFields: hand-added fields and attribution had no data. */
  withoutManagedFields: number;
  /** The time the live state shows, which every time-based check and the events window use (ISO 8601 UTC). */
  observedAt?: string;
  /** Where observedAt comes from: a snapshot's captured-at annotation, the newest time a snapshot holds, or the wall clock. */
  clock?: ScanClock;
  /** For a snapshot: the kinds it holds or says it captured (`group/Kind`); only those were verifiably listed. */
  listedKinds?: string[];
  /** Of `unverified`, the declared Secrets left unread because Secrets are read only on request (least privilege). */
  unreadSecrets?: ObjectRef[];
  /** Whether an audit log said who made the changes, and how many it attributed (absent in older reports). */
  auditLog?: AuditLogSummary;
  /** Things the reader should know that cost the audit something (an object without attribution, Secrets not read). */
  warnings?: string[];
}

export type ScanClock = 'snapshot' | 'annotation' | 'wall';

export interface Summary {
  declared: number;
  compared: number;
  modified: number;
  missing: number;
  extra: number;
  changes: number;
  failedFiles: number;
  /** Findings of the cluster checks that are not exempted, by severity. */
  findings: Record<Finding['severity'], number>;
  exemptedFindings: number;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  runId: string;
  cluster: string;
  /** What an ad-hoc run audited (source, folder, live access), hashed; absent for a configured cluster, whose name is its identity. */
  identity?: string;
  generatedAt: string;
  source: {
    location: string;
    commit?: string;
    path: string;
    files: number;
    /** Manifest files or archive entries that could not be read; their objects were not audited. */
    failedFiles: SourceProblem[];
    warnings: SourceProblem[];
    /** How the declared state was produced: plain YAML, `kustomize build` or `helm template` (absent in old reports). */
    renderer?: RenderInfo['renderer'];
    /** The program that rendered and the versions it reported. */
    tool?: NonNullable<RenderInfo['tool']>;
    /** The chart rendered, for Helm. */
    chart?: NonNullable<RenderInfo['chart']>;
    /** Helm release name and namespace. */
    release?: NonNullable<RenderInfo['release']>;
  };
  live: { origin: string };
  scan: ScanCompleteness;
  summary: Summary;
  drift: AttributedDriftEntry[];
  findings: Finding[];
  /** Comparison with the previous report of this cluster, when there was one. */
  history?: ReportHistory;
}

/** Something reported before that this run no longer sees. */
export interface ResolvedItem {
  key: string;
  type: 'drift' | 'finding';
  kind: string;
  apiVersion?: string;
  namespace?: string;
  name: string;
  /** Drift: the change path, or the entry status for missing/extra objects. */
  path?: string;
  status?: string;
  check?: string;
  firstSeen: string;
  resolvedAt: string;
}

/** A previous item whose type this run or the previous one could not list: neither seen nor resolved. */
export interface CarriedItem {
  key: string;
  firstSeen: string;
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ReportHistory {
  previousRunId?: string;
  previousGeneratedAt?: string;
  /**
   * Set when a previous report was stored but could not be read as one (corrupt, foreign schema): this report's
   * history starts afresh, so what it marks `new` may be older and nothing it could have resolved is resolved.
   */
  previous?: { status: 'invalid'; reason: string };
  resolved: ResolvedItem[];
  unconfirmed: CarriedItem[];
  counts: { new: number; persisting: number; resolved: number };
  /** False when the scan problems (failed lists, read error, failed files) are the same as in the previous report. */
  scanProblemsChanged: boolean;
}

export interface ReportInput {
  runId: string;
  cluster: string;
  identity?: string;
  generatedAt: Date;
  sourcePath: string;
  declared: DeclaredState;
  live: LiveState;
  result: DriftResult;
  /** How the declared state was produced; plain when absent. */
  render?: RenderInfo;
  /** Warnings of the audit itself, after those of the live state. */
  warnings?: readonly string[];
  /** Secrets were read (--include-secrets); otherwise unverified declared Secrets are listed as unread. */
  includeSecrets?: boolean;
}

/** Assembles the report of one cluster run from what each stage produced. Pure. */
export function buildReport(input: ReportInput): Report {
  const { declared, live, result } = input;
  const failedFiles = declared.problems.filter((problem) => problem.severity === 'error');
  const source: Report['source'] = {
    location: declared.location,
    path: input.sourcePath,
    files: declared.fileCount,
    failedFiles,
    warnings: declared.problems.filter((problem) => problem.severity === 'warning'),
  };
  if (declared.commit) source.commit = declared.commit;
  Object.assign(source, renderFields(input.render ?? { renderer: 'plain' }));
  const scan: ScanCompleteness = {
    // A declared object whose kind was not read (forbidden, failed, not in the snapshot) leaves the scan incomplete.
    complete: live.complete && !live.error && result.unverified.length === 0,
    lists: live.lists,
    unverified: result.unverified,
    withoutManagedFields: result.withoutManagedFields,
  };
  if (live.error) scan.error = live.error;
  scan.observedAt = live.clock?.at ?? input.generatedAt.toISOString();
  scan.clock = live.clock?.source ?? 'wall';
  if (live.listedKinds) scan.listedKinds = live.listedKinds;
  // A snapshot holds the kinds it holds, Secrets or not; a cluster read leaves them out unless asked.
  const unreadSecrets =
    input.includeSecrets === true || live.listedKinds
      ? []
      : result.unverified.filter((ref) => ref.group === '' && ref.kind === 'Secret');
  if (unreadSecrets.length > 0) scan.unreadSecrets = unreadSecrets;
  const warnings = [...(live.warnings ?? []), ...(input.warnings ?? [])];
  if (warnings.length > 0) scan.warnings = warnings;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: input.runId,
    cluster: input.cluster,
    ...(input.identity ? { identity: input.identity } : {}),
    generatedAt: input.generatedAt.toISOString(),
    source,
    live: { origin: live.origin },
    scan,
    summary: summarize(declared, result, failedFiles.length),
    drift: result.drift,
    findings: [],
  };
}

/** The report's `source` fields that say how the declared state was rendered. */
export function renderFields(info: RenderInfo): Pick<Report['source'], 'renderer' | 'tool' | 'chart' | 'release'> {
  return {
    renderer: info.renderer,
    ...(info.tool ? { tool: info.tool } : {}),
    ...(info.chart ? { chart: info.chart } : {}),
    ...(info.release ? { release: info.release } : {}),
  };
}

function summarize(declared: DeclaredState, result: DriftResult, failedFiles: number): Summary {
  return {
    declared: declared.objects.length,
    compared: result.compared,
    ...countDrift(result.drift),
    failedFiles,
    ...countFindings([]),
  };
}

/** Drift counts of a summary: objects by status, and changed fields. */
export function countDrift(drift: readonly DriftEntry[]): Pick<Summary, 'modified' | 'missing' | 'extra' | 'changes'> {
  const count = (status: DriftEntry['status']): number => drift.filter((entry) => entry.status === status).length;
  return {
    modified: count('modified'),
    missing: count('missing'),
    extra: count('extra'),
    changes: drift.reduce((total, entry) => total + (entry.changes?.length ?? 0), 0),
  };
}

export function countFindings(findings: readonly Finding[]): Pick<Summary, 'findings' | 'exemptedFindings'> {
  const counts: Summary['findings'] = severityCounts();
  for (const finding of findings) if (!finding.exempted) counts[finding.severity]++;
  return { findings: counts, exemptedFindings: findings.filter((finding) => finding.exempted).length };
}

/** The report with the cluster checks' findings and their counts. */
export function withFindings(report: Report, findings: Finding[]): Report {
  return { ...report, findings, summary: { ...report.summary, ...countFindings(findings) } };
}
