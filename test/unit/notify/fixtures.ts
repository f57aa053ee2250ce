import type { DriftEntry } from '../../../lib/diff/drift.ts';
import type { Change } from '../../../lib/diff/object.ts';
import type { Finding, Report, ReportHistory, ResolvedItem } from '../../../lib/report/report.ts';
import { countDrift, countFindings } from '../../../lib/report/report.ts';

export const T0 = '2026-11-20T09:00:00Z';
export const T1 = '2026-11-20T10:02:11Z';
export const RUN_AT = '2026-11-20T11:00:00.000Z';

/** An in-memory report with history; counts in the summary follow the drift given. */
export function report(drift: DriftEntry[], extra: Partial<Report> = {}): Report {
  const history: ReportHistory = {
    resolved: [],
    unconfirmed: [],
    counts: { new: 0, persisting: 0, resolved: 0 },
    scanProblemsChanged: true,
  };
  return {
    schemaVersion: '1.0',
    runId: 'run-1',
    cluster: 'prod-eu',
    generatedAt: RUN_AT,
    source: {
      location: 'https://git.example/repo.tar.gz',
      commit: '0123456789abcdef0123',
      path: 'clusters/prod',
      files: 3,
      failedFiles: [],
      warnings: [],
    },
    live: { origin: 'kubeconfig:prod' },
    scan: { complete: true, lists: [], unverified: [], withoutManagedFields: 0 },
    summary: { declared: 10, compared: 10, ...countDrift(drift), failedFiles: 0, ...countFindings([]) },
    drift,
    findings: [],
    history,
    ...extra,
  };
}

type Mark = { history: 'new' | 'persisting'; firstSeen: string };
export const NEW: Mark = { history: 'new', firstSeen: RUN_AT };
export const PERSISTING: Mark = { history: 'persisting', firstSeen: T0 };

export function imageChange(live: string, mark: Mark = NEW, time = T1): Change {
  return {
    path: '/spec/template/spec/containers/name=web/image',
    reason: 'differs',
    declared: 'web:1',
    live,
    manager: 'kubectl-edit',
    operation: 'Update',
    time,
    ...mark,
  };
}

export function modified(changes: Change[], object: Partial<DriftEntry> = {}): DriftEntry {
  const history = changes.some((change) => change.history === 'persisting') ? 'persisting' : 'new';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
    status: 'modified',
    changes,
    history,
    firstSeen: RUN_AT,
    ...object,
  };
}

export function missing(name: string, mark: Mark = NEW): DriftEntry {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'shop',
    name,
    status: 'missing',
    source: { file: `apps/${name}.yaml`, line: 1 },
    ...mark,
  };
}

export function extra(kind: string, name: string, mark: Mark = NEW): DriftEntry {
  const apiVersion = kind.includes('Role') ? 'rbac.authorization.k8s.io/v1' : 'v1';
  return { apiVersion, kind, namespace: 'shop', name, status: 'extra', manager: 'kubectl-create', time: T1, ...mark };
}

export function finding(severity: Finding['severity'], mark: Mark = NEW, more: Partial<Finding> = {}): Finding {
  return {
    check: 'privileged-container',
    severity,
    kind: 'Pod',
    namespace: 'shop',
    name: 'debug',
    message: 'runs privileged',
    ...mark,
    ...more,
  };
}

export function resolvedDrift(
  name: string,
  status: 'modified' | 'missing' | 'extra' = 'modified',
  path = '/spec/replicas',
): ResolvedItem {
  return {
    key: `prod-eu|apps/Deployment|shop/${name}|${path}`,
    type: 'drift',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'shop',
    name,
    path: status === 'modified' ? path : `#${status}`,
    status,
    firstSeen: T0,
    resolvedAt: RUN_AT,
  };
}

export function withResolved(base: Report, resolved: ResolvedItem[]): Report {
  const history: ReportHistory = {
    resolved,
    unconfirmed: [],
    counts: { new: 0, persisting: 0, resolved: resolved.length },
    scanProblemsChanged: true,
  };
  return { ...base, history };
}

/**
 * `entries` modified objects of `changesPerEntry` new changes each, with long names, paths and values, plus as many
 * resolved items and new findings as entries: a stress test for message limits.
 */
export function hugeReport(entries: number, changesPerEntry: number): Report {
  const drift: DriftEntry[] = [];
  for (let object = 0; object < entries; object++) {
    const changes: Change[] = [];
    for (let index = 0; index < changesPerEntry; index++) {
      const minute = String((object + index) % 60).padStart(2, '0');
      changes.push({
        path: `/data/${'very-long-key-<&>-'.repeat(20)}${index}`,
        reason: 'differs',
        declared: 'x'.repeat(5000),
        live: { nested: 'y&<>'.repeat(2000), index },
        manager: `manager-${index}`,
        operation: 'Update',
        time: `2026-11-20T10:${minute}:00Z`,
        ...NEW,
      });
    }
    drift.push(modified(changes, { kind: 'ConfigMap', apiVersion: 'v1', name: `config-${object}-${'n'.repeat(200)}` }));
  }
  const findings = Array.from({ length: entries }, (_, index) =>
    finding('high', NEW, { name: `pod-${index}`, message: 'm<&>'.repeat(1000) }),
  );
  const resolved = Array.from({ length: entries }, (_, index) => resolvedDrift(`gone-${index}-${'r'.repeat(200)}`));
  const base = report(drift, { findings, cluster: `prod-eu-${'c'.repeat(300)}` });
  return withResolved(base, resolved);
}
