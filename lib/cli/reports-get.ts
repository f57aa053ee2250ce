import { exportCsv } from '../report/csv.ts';
import { buildExport } from '../report/export.ts';
import { formatReport } from '../report/format.ts';
import { renderHtml } from '../report/html/report.ts';
import type { VerifiedReport } from '../store/read.ts';
import { describeKey, readStoredReport } from '../store/read.ts';
import { EXIT } from './exit.ts';
import { progressWriter } from './progress.ts';
import type { StoreFlags } from './reports-store.ts';
import { resolveReport, storeFor } from './reports-store.ts';

import type { GetFormat } from './formats.ts';

export interface GetFlags extends StoreFlags {
  at?: Date;
  format: GetFormat;
  quiet?: boolean;
}

/** `reports get`: one report, checked against its stored SHA-256, on stdout. An IntegrityError propagates (exit 2). */
export async function runGet(cluster: string, flags: GetFlags): Promise<number> {
  const progress = progressWriter(flags.quiet === true);
  const store = await storeFor(flags);
  const { key } = await resolveReport(store, cluster, flags.at);
  const stored = await readStoredReport(store, key);
  if (stored.report.cluster !== cluster)
    throw new Error(`${describeKey(store, key)} holds a report of cluster ${stored.report.cluster}, not ${cluster}`);
  if (stored.integrity === 'verified') progress(`${describeKey(store, key)}: SHA-256 verified (${stored.sha256})`);
  else
    process.stderr.write(
      `driftwatch: warning: ${describeKey(store, key)} has no stored SHA-256 (written before checksums): integrity not verified\n`,
    );
  process.stdout.write(render(stored, flags.format));
  return EXIT.clean;
}

function render(stored: VerifiedReport, format: GetFormat): string {
  switch (format) {
    // The stored bytes themselves, so `| sha256sum` matches the stored checksum.
    case 'json':
      return stored.text;
    case 'html':
      return renderHtml(stored.report);
    case 'csv':
      // No BOM on stdout: the bytes usually go to another program (use `reports export --out` for a file).
      return exportCsv(buildExport(stored.report.cluster, [stored.report]));
    case 'table':
      return formatReport(stored.report, 'table', { color: process.stdout.isTTY === true && !process.env['NO_COLOR'] });
    case 'markdown':
      return formatReport(stored.report, 'markdown');
  }
}
