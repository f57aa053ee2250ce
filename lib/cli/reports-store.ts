import { existsSync } from 'node:fs';
import { latestKey } from '../store/layout.ts';
import type { StoredReportRef } from '../store/list.ts';
import { findReportAt } from '../store/list.ts';
import type { ReportStore } from '../store/read.ts';
import { describeStore, openReportStore } from '../store/read.ts';
import { UsageError, configFor } from './run-options.ts';

export interface StoreFlags {
  store?: string;
  config?: string;
}

const DEFAULT_STORE = 'driftwatch-reports';

/** `--store`, else the report destination of `--config` / ./driftwatch.yaml, else ./driftwatch-reports. */
export async function storeFor(flags: StoreFlags): Promise<ReportStore> {
  const location =
    flags.store ??
    (await configFor({ ...(flags.config ? { config: flags.config } : {}) }))?.report.destination ??
    DEFAULT_STORE;
  // The AWS SDK loads only for an S3 store: browsing a local folder never needs it.
  const { defaultS3Client } = location.startsWith('s3://')
    ? await import('../aws/s3-client.ts')
    : { defaultS3Client: noS3Client };
  const store = openReportStore(location, defaultS3Client);
  if (store.type === 'local' && !existsSync(store.folder)) {
    throw new UsageError(
      `no report folder at ${store.folder}: give --store DIR|s3://bucket/prefix, or --config with a report destination`,
    );
  }
  return store;
}

/**
 * The report `--at` names: the dated report at or just before `at`, the newest without it. A store holding only
 * `latest/<cluster>.json` (nothing dated) still answers for the newest.
 */
export async function resolveReport(
  store: ReportStore,
  cluster: string,
  at: Date | undefined,
): Promise<{ key: string; ref?: StoredReportRef }> {
  const ref = await findReportAt(store, cluster, at);
  if (ref) return { key: ref.key, ref };
  if (!at && (await hasLatest(store, cluster))) return { key: latestKey(cluster) };
  const when = at ? ` at or before ${at.toISOString()}` : '';
  throw new Error(`no report of cluster ${cluster}${when} in ${describeStore(store)}`);
}

async function hasLatest(store: ReportStore, cluster: string): Promise<boolean> {
  if (store.type === 'local') return existsSync(`${store.folder}/${latestKey(cluster)}`);
  // For S3 a dated report always exists next to latest/ (putReportS3 runs first); no extra request is worth it.
  return false;
}

function noS3Client(): never {
  throw new Error('a local report store has no S3 client');
}
