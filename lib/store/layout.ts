/**
 * Where a report goes, the same locally and in S3 (Athena-style partitions):
 * `reports/cluster=<name>/dt=YYYY-MM-DD/<timestamp>-<runId>.json` plus `latest/<cluster>.json`.
 */
export interface ReportKeys {
  report: string;
  latest: string;
}

/** `2026-11-20T10:02:11.123Z` → `20261120T100211Z`: sortable, and safe in file names and S3 keys. */
export function compactTimestamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function reportKeys(cluster: string, generatedAt: string, runId: string): ReportKeys {
  const day = generatedAt.slice(0, 10);
  return {
    report: `reports/cluster=${cluster}/dt=${day}/${compactTimestamp(generatedAt)}-${runId}.json`,
    latest: `latest/${cluster}.json`,
  };
}
