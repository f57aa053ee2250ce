import { describe, expect, test } from 'vitest';
import type { ListOutcome } from '../../../lib/cluster/types.ts';
import type { DriftEntry } from '../../../lib/diff/drift.ts';
import { applyHistory } from '../../../lib/report/history.ts';
import type { Finding, Report } from '../../../lib/report/report.ts';

/** A snapshot's kinds, by default those of these tests' items; `lists` makes it a cluster read instead. */
const SNAPSHOT_KINDS = ['apps/Deployment', 'rbac.authorization.k8s.io/Role', '/Pod'];

function report(
  at: string,
  drift: DriftEntry[],
  options: { findings?: Finding[]; lists?: ListOutcome[]; listedKinds?: string[] | 'unknown'; error?: string } = {},
): Report {
  const listedKinds =
    options.lists || options.listedKinds === 'unknown' ? {} : { listedKinds: options.listedKinds ?? SNAPSHOT_KINDS };
  return {
    schemaVersion: '1.0',
    runId: `run-${at}`,
    cluster: 'prod',
    generatedAt: at,
    source: { location: 'repo', path: '.', files: 1, failedFiles: [], warnings: [] },
    live: { origin: 'kubeconfig:prod' },
    scan: {
      complete: !options.error,
      lists: options.lists ?? [],
      unverified: [],
      withoutManagedFields: 0,
      ...listedKinds,
      ...(options.error ? { error: options.error } : {}),
    },
    summary: {
      declared: 1,
      compared: 1,
      modified: 0,
      missing: 0,
      extra: 0,
      changes: 0,
      failedFiles: 0,
      findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      exemptedFindings: 0,
    },
    drift,
    findings: options.findings ?? [],
  };
}

const imageChange = (image: string): DriftEntry => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  status: 'modified',
  changes: [
    { path: '/spec/template/spec/containers/name=web/image', reason: 'differs', declared: 'web:1', live: image },
  ],
});
const extraRole: DriftEntry = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  namespace: 'shop',
  name: 'debug',
  status: 'extra',
};
const listed = (group: string, kind: string, status: ListOutcome['status'] = 'listed'): ListOutcome => ({
  group,
  version: 'v1',
  resource: `${kind.toLowerCase()}s`,
  kind,
  status,
  count: 1,
});

const T1 = '2026-11-20T10:00:00.000Z';
const T2 = '2026-11-20T11:00:00.000Z';
const T3 = '2026-11-20T12:00:00.000Z';

describe('history', () => {
  test('without a previous report everything is new, first seen now', () => {
    const marked = applyHistory(report(T1, [imageChange('web:2'), extraRole]), undefined);
    expect(marked.drift[0]?.changes?.[0]).toMatchObject({ history: 'new', firstSeen: T1 });
    expect(marked.drift[1]).toMatchObject({ history: 'new', firstSeen: T1 });
    expect(marked.history?.counts).toEqual({ new: 2, persisting: 0, resolved: 0 });
  });

  test('drift seen before is persisting and keeps its first sighting', () => {
    const first = applyHistory(report(T1, [imageChange('web:2')]), undefined);
    const second = applyHistory(report(T2, [imageChange('web:3')]), first);
    expect(second.drift[0]?.changes?.[0]).toMatchObject({ history: 'persisting', firstSeen: T1 });
    expect(second.drift[0]).toMatchObject({ history: 'persisting', firstSeen: T1 });
  });

  test('drift gone from a complete scan is resolved, with when it was first seen', () => {
    const first = applyHistory(report(T1, [imageChange('web:2'), extraRole]), undefined);
    const second = applyHistory(report(T2, [imageChange('web:2')]), first);
    expect(second.history?.resolved).toEqual([
      expect.objectContaining({
        kind: 'Role',
        name: 'debug',
        status: 'extra',
        firstSeen: T1,
        resolvedAt: T2,
        type: 'drift',
      }),
    ]);
  });

  test('nothing of a type that this run could not list is resolved; it is carried and resolved once listed again', () => {
    const lists = [listed('apps', 'Deployment'), listed('rbac.authorization.k8s.io', 'Role')];
    const first = applyHistory(report(T1, [imageChange('web:2'), extraRole], { lists }), undefined);
    const forbiddenRoles = [listed('apps', 'Deployment'), listed('rbac.authorization.k8s.io', 'Role', 'forbidden')];
    const second = applyHistory(report(T2, [imageChange('web:2')], { lists: forbiddenRoles }), first);
    expect(second.history?.resolved).toEqual([]);
    expect(second.history?.unconfirmed).toMatchObject([{ kind: 'Role', name: 'debug', firstSeen: T1 }]);
    const third = applyHistory(report(T3, [imageChange('web:2')], { lists }), second);
    expect(third.history?.resolved).toMatchObject([{ kind: 'Role', name: 'debug', firstSeen: T1, resolvedAt: T3 }]);
  });

  test('when the previous scan failed, nothing is resolved now', () => {
    const first = applyHistory(report(T1, [extraRole]), undefined);
    const failed = applyHistory(report(T2, [], { error: 'API discovery failed' }), first);
    expect(failed.history?.resolved).toEqual([]);
    const after = applyHistory(report(T3, [], { lists: [listed('rbac.authorization.k8s.io', 'Role')] }), failed);
    expect(after.history?.resolved).toMatchObject([{ name: 'debug', firstSeen: T1 }]);
  });

  test('findings get the same marks', () => {
    const finding: Finding = {
      check: 'pod-crashloop',
      severity: 'high',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-1',
      message: 'crashing',
    };
    const first = applyHistory(report(T1, [], { findings: [finding] }), undefined);
    const second = applyHistory(report(T2, [], { findings: [finding] }), first);
    expect(second.findings[0]).toMatchObject({ history: 'persisting', firstSeen: T1 });
    const third = applyHistory(report(T3, []), second);
    expect(third.history?.resolved).toMatchObject([{ type: 'finding', check: 'pod-crashloop', name: 'web-1' }]);
  });
});

describe('snapshots resolve only the kinds both of them hold', () => {
  const pending: Finding = {
    check: 'pod-pending',
    severity: 'medium',
    kind: 'Pod',
    namespace: 'shop',
    name: 'web-1',
    message: 'Pending',
  };
  const csr: Finding = {
    check: 'csr-pending',
    severity: 'medium',
    kind: 'CertificateSigningRequest',
    name: 'node-csr',
    message: 'pending',
  };
  const withPodsAndCsrs = ['/Pod', 'certificates.k8s.io/CertificateSigningRequest', '/ConfigMap'];

  test('a next snapshot without Pods or CSRs carries their findings, and resolves them once it holds those kinds again', () => {
    const first = applyHistory(report(T1, [], { findings: [pending, csr], listedKinds: withPodsAndCsrs }), undefined);
    const configMapsOnly = applyHistory(report(T2, [], { listedKinds: ['/ConfigMap'] }), first);
    expect(configMapsOnly.history?.resolved).toEqual([]);
    expect(configMapsOnly.history?.unconfirmed.map((item) => item.kind).sort()).toEqual([
      'CertificateSigningRequest',
      'Pod',
    ]);
    const podsAgain = applyHistory(report(T3, [], { listedKinds: ['/Pod'] }), configMapsOnly);
    expect(podsAgain.history?.resolved).toMatchObject([{ check: 'pod-pending', firstSeen: T1, resolvedAt: T3 }]);
    expect(podsAgain.history?.unconfirmed).toMatchObject([{ kind: 'CertificateSigningRequest', firstSeen: T1 }]);
  });

  test('a snapshot report that does not say what it held resolves nothing', () => {
    const first = applyHistory(report(T1, [extraRole], { findings: [pending], listedKinds: 'unknown' }), undefined);
    const second = applyHistory(report(T2, []), first);
    expect(second.history?.resolved).toEqual([]);
    expect(second.history?.unconfirmed).toHaveLength(2);
  });
});

describe('identity', () => {
  test('a previous report of another audit is not history: nothing resolved, everything new', () => {
    const first = applyHistory({ ...report(T1, [extraRole]), identity: 'local:aaaa' }, undefined);
    const other = applyHistory({ ...report(T2, [imageChange('web:2')]), identity: 'local:bbbb' }, first);
    expect(other.history).toMatchObject({
      resolved: [],
      unconfirmed: [],
      counts: { new: 1, persisting: 0, resolved: 0 },
    });
    expect(other.history?.previousRunId).toBeUndefined();
  });
});

describe('scan problems across runs', () => {
  test('a new failed list changes the scan problems; the same one an hour later does not', () => {
    const forbidden = [listed('apps', 'Deployment'), listed('rbac.authorization.k8s.io', 'Role', 'forbidden')];
    const clean = applyHistory(
      report(T1, [], { lists: [listed('apps', 'Deployment'), listed('rbac.authorization.k8s.io', 'Role')] }),
      undefined,
    );
    const broken = applyHistory(report(T2, [], { lists: forbidden }), clean);
    expect(broken.history?.scanProblemsChanged).toBe(true);
    const stillBroken = applyHistory(report(T3, [], { lists: forbidden }), broken);
    expect(stillBroken.history?.scanProblemsChanged).toBe(false);
  });
});
