import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/index.ts';
import { parseSnapshot } from '../../../lib/cluster/snapshot.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import type { ClusterAuditInput } from '../../../lib/pipeline/audit-cluster.ts';
import { auditCluster } from '../../../lib/pipeline/audit-cluster.ts';
import type { Report } from '../../../lib/report/report.ts';
import type { SourceTree } from '../../../lib/source/types.ts';

/** The wall clock of these tests: long after the snapshots they audit were taken. */
export const WALL = new Date('2026-05-11T12:00:00Z');

/** A source tree in memory: file path → YAML text. */
export function tree(files: Record<string, string>, location = '/repo'): SourceTree {
  return {
    location,
    files: Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text) })),
    problems: [],
  };
}

/** A kubectl `List` of these objects, with the List's annotations. */
export function snapshotText(items: readonly KubeObject[], annotations: Record<string, string> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { annotations }, items });
}

/** One cluster audited end to end against a snapshot text, with the default checks, at WALL. */
export async function auditSnapshot(snapshot: string, input: Partial<ClusterAuditInput> = {}): Promise<Report> {
  return auditCluster({
    cluster: 'test',
    sourcePath: '.',
    readLive: () => Promise.resolve(parseSnapshot(snapshot, 'snapshot.json')),
    checks: { config: structuredClone(DEFAULT_CHECKS_CONFIG), exemptions: [] },
    runId: 'run-1',
    now: () => WALL,
    ...input,
  });
}
