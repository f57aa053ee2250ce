import pLimit from 'p-limit';
import type { Report } from '../report/report.ts';
import type { StoredReportRef } from '../store/list.ts';
import { listReports } from '../store/list.ts';
import type { ReportStore } from '../store/read.ts';
import { IntegrityError, describeKey, describeStore, readStoredReport } from '../store/read.ts';
import { printable } from '../io/printable.ts';
import { describeError } from '../io/errors.ts';
import { EXIT } from './exit.ts';
import { progressWriter } from './progress.ts';
import type { StoreFlags } from './reports-store.ts';
import { storeFor } from './reports-store.ts';

export interface ListFlags extends StoreFlags {
  cluster?: string;
  since?: Date;
  until?: Date;
  format: 'table' | 'json';
  /** False with --no-counts: list from the keys alone, no report is downloaded. */
  counts: boolean;
  pageSize?: number;
  quiet?: boolean;
}

/** One line of `reports list`. */
export interface ListedReport {
  generatedAt: string;
  cluster: string;
  runId: string;
  key: string;
  location: string;
  commit?: string;
  counts?: {
    modified: number;
    missing: number;
    extra: number;
    changes: number;
    findings: number;
    findingsBySeverity: Report['summary']['findings'];
    exemptedFindings: number;
  };
  complete?: boolean;
  /** `verified` against the stored SHA-256, `unverified` (none stored), `mismatch`, or `unreadable` (see `error`). */
  integrity?: 'verified' | 'unverified' | 'mismatch' | 'unreadable';
  error?: string;
}

/** Reads in flight at once: enough to hide S3 latency, few enough to stay polite and bounded in memory. */
const CONCURRENCY = { local: 32, s3: 16 } as const;
const PROGRESS_EVERY = 250;

export async function runList(flags: ListFlags): Promise<number> {
  const progress = progressWriter(flags.quiet === true);
  const store = await storeFor(flags);
  const refs = await listReports(
    store,
    {
      ...(flags.cluster ? { cluster: flags.cluster } : {}),
      ...(flags.since ? { since: flags.since } : {}),
      ...(flags.until ? { until: flags.until } : {}),
    },
    { onProgress: progress, ...(flags.pageSize ? { pageSize: flags.pageSize } : {}) },
  );
  if (refs.length > PROGRESS_EVERY) progress(`${refs.length} reports in ${describeStore(store)}`);
  const listed = flags.counts ? await withCounts(store, refs, progress) : refs.map((ref) => fromKey(store, ref));
  process.stdout.write(
    flags.format === 'json' ? `${JSON.stringify(listed, null, 2)}\n` : formatTable(listed, flags.counts),
  );
  const broken = listed.filter((item) => item.integrity === 'mismatch' || item.integrity === 'unreadable');
  for (const item of broken) process.stderr.write(`driftwatch: ${printable(item.error ?? item.location)}\n`);
  // As the help says: nothing found is an error (a typo in --cluster or a range before the first report).
  if (listed.length === 0)
    process.stderr.write(
      `driftwatch: no reports${flags.cluster ? ` of cluster ${flags.cluster}` : ''} in range in ${describeStore(store)}\n`,
    );
  return broken.length > 0 || listed.length === 0 ? EXIT.error : EXIT.clean;
}

function fromKey(store: ReportStore, ref: StoredReportRef): ListedReport {
  return {
    generatedAt: ref.generatedAt,
    cluster: ref.cluster,
    runId: ref.runId,
    key: ref.key,
    location: describeKey(store, ref.key),
  };
}

async function withCounts(
  store: ReportStore,
  refs: readonly StoredReportRef[],
  progress: (line: string) => void,
): Promise<ListedReport[]> {
  const limit = pLimit(CONCURRENCY[store.type]);
  let done = 0;
  return Promise.all(
    refs.map((ref) =>
      limit(async () => {
        const listed = await readCounts(store, ref);
        done++;
        if (done % PROGRESS_EVERY === 0) progress(`read ${done}/${refs.length} reports`);
        return listed;
      }),
    ),
  );
}

async function readCounts(store: ReportStore, ref: StoredReportRef): Promise<ListedReport> {
  const base = fromKey(store, ref);
  try {
    const { report, integrity } = await readStoredReport(store, ref.key);
    const { summary } = report;
    const findings = Object.values(summary.findings).reduce((total, count) => total + count, 0);
    return {
      ...base,
      ...(report.source.commit ? { commit: report.source.commit } : {}),
      counts: {
        modified: summary.modified,
        missing: summary.missing,
        extra: summary.extra,
        changes: summary.changes,
        findings,
        findingsBySeverity: summary.findings,
        exemptedFindings: summary.exemptedFindings,
      },
      complete: report.scan.complete && report.source.failedFiles.length === 0,
      integrity,
    };
  } catch (error) {
    // One bad report must not hide the others: it is listed, flagged, and the exit code says so.
    return {
      ...base,
      integrity: error instanceof IntegrityError ? 'mismatch' : 'unreadable',
      error: describeError(error),
    };
  }
}

const INTEGRITY_TEXT: Record<NonNullable<ListedReport['integrity']>, string> = {
  verified: 'ok',
  unverified: 'none',
  mismatch: 'MISMATCH',
  unreadable: 'UNREADABLE',
};

function formatTable(listed: readonly ListedReport[], counts: boolean): string {
  if (listed.length === 0) return 'no reports\n';
  const header = counts
    ? ['TIME', 'CLUSTER', 'RUN', 'COMMIT', 'MODIFIED', 'MISSING', 'EXTRA', 'FINDINGS', 'SCAN', 'SHA256']
    : ['TIME', 'CLUSTER', 'RUN', 'KEY'];
  const rows = listed.map((item) =>
    (counts ? countRow(item) : [item.generatedAt, item.cluster, item.runId, item.key]).map(printable),
  );
  const numeric = new Set(counts ? [4, 5, 6, 7] : []);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(render).join('\n')}\n`;
}

function countRow(item: ListedReport): string[] {
  const counts = item.counts;
  const number = (value: number | undefined): string => (value === undefined ? '-' : String(value));
  const scan = item.complete === undefined ? '-' : item.complete ? 'complete' : 'INCOMPLETE';
  return [
    item.generatedAt,
    item.cluster,
    item.runId,
    item.commit?.slice(0, 12) ?? '-',
    number(counts?.modified),
    number(counts?.missing),
    number(counts?.extra),
    number(counts?.findings),
    scan,
    item.integrity ? INTEGRITY_TEXT[item.integrity] : '-',
  ];
}
