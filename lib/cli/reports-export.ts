import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { exportCsv } from '../report/csv.ts';
import type { ExportPeriod } from '../report/export.ts';
import { createExportBuilder, exportMarkdown, stateCounts } from '../report/export.ts';
import { renderExportHtml } from '../report/html/export.ts';
import type { StoredReportRef } from '../store/list.ts';
import { listReports } from '../store/list.ts';
import type { ReportStore } from '../store/read.ts';
import { describeKey, describeStore, readStoredReport } from '../store/read.ts';
import { EXIT } from './exit.ts';
import { UsageError } from './run-options.ts';
import { progressWriter } from './progress.ts';
import type { StoreFlags } from './reports-store.ts';
import { storeFor } from './reports-store.ts';

import type { ExportFormat } from './formats.ts';

export interface ExportFlags extends StoreFlags {
  cluster: string;
  since?: Date;
  until?: Date;
  /** Absent: from the --out extension (.csv, .md, .html), else csv. */
  format?: ExportFormat;
  out: string;
  /** False with --no-bom. */
  bom: boolean;
  quiet?: boolean;
}

/** Reports downloaded ahead of the fold; the fold itself keeps one at a time, so memory stays bounded. */
const WINDOW = 16;

export async function runExport(flags: ExportFlags): Promise<number> {
  if (flags.since && flags.until && flags.since > flags.until) throw new UsageError('--since is after --until');
  const progress = progressWriter(flags.quiet === true);
  const format = flags.format ?? formatFromExtension(flags.out);
  const store = await storeFor(flags);
  const range = { ...(flags.since ? { since: flags.since } : {}), ...(flags.until ? { until: flags.until } : {}) };
  const refs = await listReports(store, { cluster: flags.cluster, ...range }, { onProgress: progress });
  if (refs.length === 0)
    throw new Error(`no report of cluster ${flags.cluster}${describeRange(flags)} in ${describeStore(store)}`);
  progress(`exporting ${refs.length} reports of ${flags.cluster}`);
  const period = await foldReports(
    store,
    flags.cluster,
    refs,
    {
      ...(range.since ? { since: range.since.toISOString() } : {}),
      ...(range.until ? { until: range.until.toISOString() } : {}),
    },
    progress,
  );
  const out = resolve(flags.out);
  await writeAtomically(out, render(period, format, flags.bom));
  const counts = stateCounts(period.items);
  progress(
    `${period.items.length} items (${counts.open} open, ${counts.resolved} resolved, ${counts.unconfirmed} unconfirmed) from ${refs.length} reports written to ${out}`,
  );
  return EXIT.clean;
}

function formatFromExtension(out: string): ExportFormat {
  const extension = extname(out).toLowerCase();
  if (extension === '.md' || extension === '.markdown') return 'markdown';
  if (extension === '.html' || extension === '.htm') return 'html';
  return 'csv';
}

function describeRange(flags: Pick<ExportFlags, 'since' | 'until'>): string {
  return `${flags.since ? ` since ${flags.since.toISOString()}` : ''}${flags.until ? ` until ${flags.until.toISOString()}` : ''}`;
}

/** Every report, verified, folded oldest first; downloads run WINDOW at a time ahead of the fold. */
async function foldReports(
  store: ReportStore,
  cluster: string,
  refs: readonly StoredReportRef[],
  range: { since?: string; until?: string },
  progress: (line: string) => void,
): Promise<ExportPeriod> {
  const builder = createExportBuilder(cluster, range);
  for (let start = 0; start < refs.length; start += WINDOW) {
    const batch = refs.slice(start, start + WINDOW);
    const reports = await Promise.all(batch.map((ref) => readStoredReport(store, ref.key)));
    for (const [index, stored] of reports.entries()) {
      const ref = batch[index];
      if (stored.integrity === 'unverified' && ref)
        process.stderr.write(
          `driftwatch: warning: ${describeKey(store, ref.key)} has no stored SHA-256: integrity not verified\n`,
        );
      builder.add(stored.report);
    }
    if (refs.length > 100 && (start / WINDOW) % 10 === 9)
      progress(`read ${Math.min(start + WINDOW, refs.length)}/${refs.length} reports`);
  }
  return builder.finish();
}

function render(period: ExportPeriod, format: ExportFormat, bom: boolean): string {
  if (format === 'csv') return exportCsv(period, { bom });
  if (format === 'markdown') return exportMarkdown(period);
  return renderExportHtml(period);
}

async function writeAtomically(path: string, body: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, body, 'utf8');
  await rename(temporary, path);
}
