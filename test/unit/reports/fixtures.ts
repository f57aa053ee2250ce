import type { ListOutcome } from '../../../lib/cluster/types.ts';
import type { AttributedDriftEntry } from '../../../lib/auditlog/index.ts';
import { applyHistory } from '../../../lib/report/history.ts';
import type { Finding, Report } from '../../../lib/report/report.ts';
import { countDrift, countFindings, withFindings } from '../../../lib/report/report.ts';

/** Plausible reports for the `reports` tests: built like the pipeline builds them, history included. */

const LISTS: ListOutcome[] = [
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', status: 'listed', count: 12 },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', status: 'listed', count: 30 },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', status: 'listed', count: 4 },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', status: 'listed', count: 9 },
];

export interface ReportParts {
  cluster: string;
  at: string;
  drift?: AttributedDriftEntry[];
  findings?: Finding[];
  commit?: string;
  lists?: ListOutcome[];
  runId?: string;
}

/** A report as buildReport makes it (summary counted from the drift), without history. */
export function makeReport(parts: ReportParts): Report {
  const drift = parts.drift ?? [];
  const lists = parts.lists ?? LISTS;
  const report: Report = {
    schemaVersion: '1.0',
    runId: parts.runId ?? `r${parts.at.replace(/\D/g, '').slice(2, 12)}`,
    cluster: parts.cluster,
    generatedAt: parts.at,
    source: {
      location: 'https://git.example.com/platform/gitops.tar.gz',
      path: `clusters/${parts.cluster}`,
      files: 42,
      failedFiles: [],
      warnings: [],
      ...(parts.commit ? { commit: parts.commit } : {}),
    },
    live: { origin: `kubeconfig:${parts.cluster}` },
    scan: { complete: lists.every((list) => list.status === 'listed'), lists, unverified: [], withoutManagedFields: 0 },
    summary: { declared: 60, compared: 58, ...countDrift(drift), failedFiles: 0, ...countFindings([]) },
    drift,
    findings: [],
  };
  return withFindings(report, parts.findings ?? []);
}

export function imageDrift(name: string, live: string, namespace = 'shop'): AttributedDriftEntry {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name,
    status: 'modified',
    source: { file: `apps/${name}.yaml`, line: 1 },
    changes: [
      {
        path: `/spec/template/spec/containers/name=${name}/image`,
        reason: 'differs',
        declared: `${name}:1.0`,
        live,
        manager: 'kubectl-set',
        operation: 'Update',
        time: '2026-11-01T09:00:00Z',
      },
    ],
  };
}

export function replicasDrift(name: string, live: number, namespace = 'shop'): AttributedDriftEntry {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name,
    status: 'modified',
    changes: [
      {
        path: '/spec/replicas',
        reason: 'differs',
        declared: 2,
        live,
        manager: 'kubectl',
        subresource: 'scale',
        operation: 'Update',
        time: '2026-11-02T10:00:00Z',
      },
    ],
  };
}

export function missingConfigMap(name: string, namespace = 'shop'): AttributedDriftEntry {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name,
    status: 'missing',
    source: { file: `config/${name}.yaml`, line: 3 },
  };
}

export function extraRole(name: string, namespace = 'shop'): AttributedDriftEntry {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    namespace,
    name,
    status: 'extra',
    manager: 'kubectl-create',
    time: '2026-11-03T08:00:00Z',
  };
}

export function privilegedFinding(name: string, options: { exempted?: boolean } = {}): Finding {
  return {
    check: 'privileged-container',
    severity: 'high',
    kind: 'Pod',
    namespace: 'shop',
    name,
    message: `container ${name} runs privileged`,
    remediation: `kubectl -n shop patch deploy ${name} --type=json -p '[{"op":"remove","path":"/spec/template/spec/containers/0/securityContext/privileged"}]'`,
    ...(options.exempted
      ? {
          exempted: true,
          exemption: { source: 'config', reason: 'CNI agent', owner: 'net-team', expires: '2027-01-31' },
        }
      : {}),
  } as Finding;
}

/** Applies history along a sequence of reports (oldest first), as consecutive runs would. */
export function withHistory(reports: readonly Report[]): Report[] {
  const marked: Report[] = [];
  for (const report of reports) marked.push(applyHistory(report, marked.at(-1)));
  return marked;
}

export interface MonthOptions {
  cluster: string;
  /** First day, `YYYY-MM-DD`. */
  start: string;
  days: number;
  perDay: number;
}

/**
 * A month of runs for one cluster: `web`'s image drifts from day 3 until it is fixed on day 10; a replicas change
 * persists from day 1 to the end; a hand-made Role appears on day 5 and is deleted on day 6; a ConfigMap goes missing on
 * days 20–22; a privileged-pod finding is open all month. Day numbers are 1-based; runs are every 24/perDay hours.
 */
export function monthOfReports(options: MonthOptions): Report[] {
  const reports: Report[] = [];
  const start = Date.parse(`${options.start}T00:00:00Z`);
  const stepHours = 24 / options.perDay;
  for (let day = 1; day <= options.days; day++) {
    for (let run = 0; run < options.perDay; run++) {
      const at = new Date(start + ((day - 1) * 24 + run * stepHours) * 3_600_000).toISOString();
      const drift: AttributedDriftEntry[] = [replicasDrift('api', 5)];
      if (day >= 3 && day < 10) drift.push(imageDrift('web', 'web:hotfix'));
      if (day === 5) drift.push(extraRole('debug'));
      if (day >= 20 && day <= 22) drift.push(missingConfigMap('feature-flags'));
      const commit = day < 15 ? 'a1b2c3d4e5f6a7b8c9d0' : 'f0e9d8c7b6a5f4e3d2c1';
      reports.push(makeReport({ cluster: options.cluster, at, drift, findings: [privilegedFinding('agent')], commit }));
    }
  }
  return withHistory(reports);
}

const KINDS = ['Deployment', 'StatefulSet', 'ConfigMap', 'Service', 'Role'] as const;
const MANAGERS = ['kubectl-edit', 'kubectl-client-side-apply', 'helm', 'kube-controller-manager', 'argocd-controller'];

/** One report with `entries` drift entries over many namespaces, all three statuses, and findings of every severity. */
export function bigReport(entries: number, cluster = 'prod-eu-1'): Report {
  const drift: AttributedDriftEntry[] = [];
  for (let index = 0; index < entries; index++) {
    const namespace = `team-${String(index % 25).padStart(2, '0')}`;
    const kind = KINDS[index % KINDS.length] ?? 'Deployment';
    const name = `service-${index}`;
    if (index % 10 === 7) drift.push({ ...missingConfigMap(`cm-${index}`, namespace) });
    else if (index % 10 === 9)
      drift.push({ ...extraRole(`debug-${index}`, namespace), history: 'new', firstSeen: '2026-11-20T06:00:00.000Z' });
    else {
      drift.push({
        apiVersion: kind === 'ConfigMap' || kind === 'Service' ? 'v1' : 'apps/v1',
        kind,
        namespace,
        name,
        status: 'modified',
        source: { file: `${namespace}/${name}.yaml`, line: 1 + (index % 40) },
        history: index % 3 === 0 ? 'new' : 'persisting',
        firstSeen: index % 3 === 0 ? '2026-11-20T06:00:00.000Z' : '2026-11-12T06:00:00.000Z',
        changes: [
          {
            path: index % 2 === 0 ? `/spec/template/spec/containers/name=${name}/image` : '/spec/replicas',
            reason: 'differs',
            declared: index % 2 === 0 ? `registry.example.com/${name}:1.4.${index % 9}` : 3,
            live: index % 2 === 0 ? `registry.example.com/${name}:1.4.${index % 9}-hotfix` : 5,
            manager: MANAGERS[index % MANAGERS.length] ?? 'kubectl',
            operation: 'Update',
            time: `2026-11-${String(10 + (index % 10)).padStart(2, '0')}T1${index % 10}:0${index % 6}:00Z`,
            history: index % 3 === 0 ? 'new' : 'persisting',
            firstSeen: index % 3 === 0 ? '2026-11-20T06:00:00.000Z' : '2026-11-12T06:00:00.000Z',
          },
          ...(index % 4 === 0
            ? [
                {
                  path: '/metadata/labels/debug',
                  reason: 'live-only' as const,
                  live: 'true',
                  manager: 'kubectl-label',
                  operation: 'Update',
                  time: '2026-11-19T08:00:00Z',
                  history: 'new' as const,
                  firstSeen: '2026-11-20T06:00:00.000Z',
                },
              ]
            : []),
        ],
      });
    }
  }
  const severities: Finding['severity'][] = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'info'];
  const findings: Finding[] = severities.map((severity, index) => ({
    check:
      [
        'host-path-volume',
        'privileged-container',
        'cluster-admin-binding',
        'latest-image-tag',
        'missing-limits',
        'no-readiness-probe',
        'default-namespace',
        'pending-csr',
      ][index] ?? 'check',
    severity,
    kind: 'Pod',
    namespace: `team-0${index}`,
    name: `worker-${index}`,
    message: `finding ${index}: ${severity} issue on worker-${index}`,
    remediation: `kubectl -n team-0${index} describe pod worker-${index}`,
  }));
  findings.push({ ...privilegedFinding('cni-agent', { exempted: true }) });
  const report = makeReport({
    cluster,
    at: '2026-11-20T06:00:00.000Z',
    drift,
    findings,
    commit: '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  });
  return {
    ...report,
    scan: {
      ...report.scan,
      complete: false,
      lists: [
        ...report.scan.lists,
        {
          group: 'networking.k8s.io',
          version: 'v1',
          resource: 'networkpolicies',
          kind: 'NetworkPolicy',
          namespace: 'team-03',
          status: 'forbidden',
          count: 0,
          error: 'networkpolicies is forbidden: User "driftwatch" cannot list resource',
        },
      ],
      unverified: [{ group: 'networking.k8s.io', kind: 'NetworkPolicy', namespace: 'team-03', name: 'default-deny' }],
    },
    history: {
      previousRunId: 'r2611200000',
      previousGeneratedAt: '2026-11-20T00:00:00.000Z',
      resolved: [
        {
          key: `${cluster}|apps/Deployment|team-01/legacy|/spec/replicas`,
          type: 'drift',
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'team-01',
          name: 'legacy',
          path: '/spec/replicas',
          status: 'modified',
          firstSeen: '2026-11-15T06:00:00.000Z',
          resolvedAt: '2026-11-20T06:00:00.000Z',
        },
        {
          key: `${cluster}|finding:latest-image-tag|Pod|team-02/old`,
          type: 'finding',
          kind: 'Pod',
          namespace: 'team-02',
          name: 'old',
          check: 'latest-image-tag',
          firstSeen: '2026-11-18T12:00:00.000Z',
          resolvedAt: '2026-11-20T06:00:00.000Z',
        },
      ],
      unconfirmed: [],
      scanProblemsChanged: true,
      counts: { new: Math.ceil(entries / 3), persisting: entries - Math.ceil(entries / 3), resolved: 2 },
    },
  };
}
