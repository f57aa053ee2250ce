import { clusterNameProblem, isClusterName } from './cluster-name.ts';
import type { Report } from '../report/report.ts';
import { driftKey, findingKey } from '../report/history.ts';

/**
 * Where a report goes, the same locally and in S3 (Athena-style partitions):
 * `reports/cluster=<name>/dt=YYYY-MM-DD/<timestamp>-<runId>.json`, a newline-delimited copy of its drift entries and
 * findings under `findings/cluster=<name>/dt=…/`, and `latest/<cluster>.json`.
 */
export interface ReportKeys {
  report: string;
  findings: string;
  latest: string;
}

/** `2026-11-20T10:02:11.123Z` → `20261120T100211Z`: sortable, and safe in file names and S3 keys. */
export function compactTimestamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Cluster names become folders and keys: anything else (`../../x`) could reach outside the store. */
function clusterPart(cluster: string): string {
  if (!isClusterName(cluster)) throw new Error(clusterNameProblem(cluster));
  return cluster;
}

export function reportKeys(cluster: string, generatedAt: string, runId: string): ReportKeys {
  clusterPart(cluster);
  const day = generatedAt.slice(0, 10);
  const name = `${compactTimestamp(generatedAt)}-${runId}`;
  return {
    report: `reports/cluster=${cluster}/dt=${day}/${name}.json`,
    findings: `findings/cluster=${cluster}/dt=${day}/${name}.ndjson`,
    latest: `latest/${cluster}.json`,
  };
}

export function latestKey(cluster: string): string {
  return `latest/${clusterPart(cluster)}.json`;
}

/** What the AWS run delivered for a cluster, per channel (lib/pipeline/delivery.ts); beside the reports, not one of them. */
export function stateKey(cluster: string): string {
  return `state/${clusterPart(cluster)}.json`;
}

/** One JSON line per drifted field (or missing/extra object) and per finding: what Athena queries. */
export function findingsLines(report: Report): string {
  const common = {
    cluster: report.cluster,
    runId: report.runId,
    generatedAt: report.generatedAt,
    commit: report.source.commit ?? null,
  };
  const driftLines = report.drift.flatMap((entry) => {
    const object = {
      type: 'drift',
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      namespace: entry.namespace ?? null,
      name: entry.name,
      status: entry.status,
    };
    if (!entry.changes || entry.changes.length === 0) {
      return [
        {
          ...common,
          ...object,
          key: driftKey(report.cluster, entry),
          history: entry.history ?? null,
          firstSeen: entry.firstSeen ?? null,
          manager: entry.manager ?? null,
          time: entry.time ?? null,
        },
      ];
    }
    return entry.changes.map((change) => ({
      ...common,
      ...object,
      key: driftKey(report.cluster, entry, change),
      path: change.path,
      reason: change.reason,
      declared: change.declared ?? null,
      live: change.live ?? null,
      manager: change.manager ?? null,
      time: change.time ?? null,
      history: change.history ?? null,
      firstSeen: change.firstSeen ?? null,
    }));
  });
  const findingLines = report.findings.map((finding) => ({
    ...common,
    type: 'finding',
    key: findingKey(report.cluster, finding),
    ...finding,
  }));
  return (
    [...driftLines, ...findingLines].map((line) => JSON.stringify(line)).join('\n') +
    (driftLines.length + findingLines.length > 0 ? '\n' : '')
  );
}

export function reportBody(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
