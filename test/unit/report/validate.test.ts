import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test, vi } from 'vitest';
import { failedReport } from '../../../lib/report/failed.ts';
import { applyHistory } from '../../../lib/report/history.ts';
import type { Report } from '../../../lib/report/report.ts';
import { asStoredReport, checkStoredReport } from '../../../lib/report/validate.ts';
import { parseReport } from '../../../lib/store/local.ts';

const T1 = '2026-11-20T10:00:00.000Z';
const T2 = '2026-11-20T11:00:00.000Z';

/** A report as the current version writes it: drift, a finding, a complete scan, history carrying an item. */
function stored(): Report {
  return {
    schemaVersion: '1.0',
    runId: 'run-1',
    cluster: 'prod',
    generatedAt: T1,
    source: {
      location: 'https://git.example.com/repo.tar.gz',
      commit: 'abc',
      path: 'prod',
      files: 3,
      failedFiles: [{ file: 'bad.yaml', line: 2, message: 'bad', severity: 'error' }],
      warnings: [],
    },
    live: { origin: 'kubeconfig:prod' },
    scan: {
      complete: true,
      lists: [
        { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', status: 'listed', count: 1 },
      ],
      unverified: [],
      withoutManagedFields: 0,
    },
    summary: {
      declared: 3,
      compared: 3,
      modified: 1,
      missing: 0,
      extra: 0,
      changes: 1,
      failedFiles: 1,
      findings: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      exemptedFindings: 0,
    },
    drift: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        status: 'modified',
        changes: [{ path: '/spec/replicas', reason: 'differs', declared: 2, live: 3, firstSeen: T1, history: 'new' }],
        firstSeen: T1,
      },
    ],
    findings: [
      {
        check: 'rbac-cluster-admin',
        severity: 'high',
        kind: 'ClusterRoleBinding',
        name: 'ops',
        message: 'cluster-admin',
        firstSeen: T1,
      },
    ],
    history: {
      resolved: [],
      unconfirmed: [
        {
          key: 'prod|/ConfigMap|shop/flags|#extra',
          firstSeen: T1,
          group: '',
          kind: 'ConfigMap',
          namespace: 'shop',
          name: 'flags',
        },
      ],
      counts: { new: 2, persisting: 0, resolved: 0 },
      scanProblemsChanged: true,
    },
  };
}

/** The stored report as JSON with `change` applied to the parsed object. */
function storedWith(change: (report: Record<string, unknown>) => void): unknown {
  const report = JSON.parse(JSON.stringify(stored())) as Record<string, unknown>;
  change(report);
  return report;
}

const current = (): Report => ({
  ...failedReport({
    runId: 'run-2',
    cluster: 'prod',
    generatedAt: new Date(T2),
    sourcePath: 'prod',
    sourceLocation: 'repo',
    error: 'x',
  }),
  scan: { complete: true, lists: [], unverified: [], withoutManagedFields: 0 },
});

describe('asStoredReport', () => {
  test('a report written by this version comes back with everything history reads', () => {
    const report = asStoredReport(JSON.parse(JSON.stringify(stored())), 'prod');
    expect(report).toBeDefined();
    expect(report).toMatchObject({
      runId: 'run-1',
      cluster: 'prod',
      generatedAt: T1,
      drift: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'shop',
          name: 'web',
          status: 'modified',
          changes: [{ path: '/spec/replicas', firstSeen: T1 }],
        },
      ],
      findings: [{ check: 'rbac-cluster-admin', kind: 'ClusterRoleBinding', name: 'ops', firstSeen: T1 }],
      scan: {
        complete: true,
        lists: [{ group: 'apps', kind: 'Deployment', resource: 'deployments', status: 'listed' }],
      },
      source: { failedFiles: [{ file: 'bad.yaml' }] },
      history: { unconfirmed: [{ key: 'prod|/ConfigMap|shop/flags|#extra', firstSeen: T1 }] },
    });
  });

  test('history against a validated report is the same as against the report itself', () => {
    const original = stored();
    const validated = asStoredReport(JSON.parse(JSON.stringify(original)), 'prod');
    expect(applyHistory(current(), validated).history).toEqual(applyHistory(current(), original).history);
  });

  test('an older report without findings, scan or source gets neutral defaults and nothing of it is resolved', () => {
    const old = storedWith((report) => {
      delete report['findings'];
      delete report['scan'];
      delete report['source'];
      delete report['history'];
    });
    const report = asStoredReport(old, 'prod');
    expect(report?.findings).toEqual([]);
    expect(report?.scan).toMatchObject({ complete: false, lists: [] });
    expect(report?.source.failedFiles).toEqual([]);
    const next = applyHistory(current(), report);
    expect(next.history?.resolved).toEqual([]);
    expect(next.history?.unconfirmed.map((item) => item.key)).toEqual(['prod|apps/Deployment|shop/web|/spec/replicas']);
  });

  test.each([
    ['not an object', (): unknown => 'report'],
    ['an array', (): unknown => [stored()]],
    [
      'another cluster',
      (): unknown =>
        storedWith((report) => {
          report['cluster'] = 'stage';
        }),
    ],
    [
      'no runId',
      (): unknown =>
        storedWith((report) => {
          delete report['runId'];
        }),
    ],
    [
      'a generatedAt that is no time',
      (): unknown =>
        storedWith((report) => {
          report['generatedAt'] = 'yesterday';
        }),
    ],
    [
      'no drift',
      (): unknown =>
        storedWith((report) => {
          delete report['drift'];
        }),
    ],
    [
      'a drift entry without apiVersion',
      (): unknown =>
        storedWith((report) => {
          delete (report['drift'] as Array<Record<string, unknown>>)[0]?.['apiVersion'];
        }),
    ],
    [
      'a drift entry with an unknown status',
      (): unknown =>
        storedWith((report) => {
          (report['drift'] as Array<Record<string, unknown>>)[0] = {
            apiVersion: 'v1',
            kind: 'A',
            name: 'b',
            status: 'gone',
          };
        }),
    ],
    [
      'a change without path',
      (): unknown =>
        storedWith((report) => {
          (report['drift'] as Array<Record<string, unknown>>)[0] = {
            apiVersion: 'v1',
            kind: 'A',
            name: 'b',
            status: 'modified',
            changes: [{}],
          };
        }),
    ],
    [
      'findings that are not a list',
      (): unknown =>
        storedWith((report) => {
          report['findings'] = {};
        }),
    ],
    [
      'a finding without check',
      (): unknown =>
        storedWith((report) => {
          report['findings'] = [{ kind: 'Pod', name: 'p', severity: 'low' }];
        }),
    ],
    [
      'a scan without complete',
      (): unknown =>
        storedWith((report) => {
          report['scan'] = { lists: [] };
        }),
    ],
    [
      'scan lists that are not a list',
      (): unknown =>
        storedWith((report) => {
          report['scan'] = { complete: true, lists: 'all' };
        }),
    ],
    [
      'failedFiles entries without file',
      (): unknown =>
        storedWith((report) => {
          report['source'] = { failedFiles: [{}] };
        }),
    ],
    [
      'unconfirmed items without key',
      (): unknown =>
        storedWith((report) => {
          report['history'] = { unconfirmed: [{ kind: 'A', name: 'b' }] };
        }),
    ],
  ])('%s: not a previous report', (_name, make) => {
    expect(asStoredReport(make(), 'prod')).toBeUndefined();
  });
});

type Drift = Array<Record<string, unknown>>;

describe('checkStoredReport: why a stored report is refused', () => {
  test.each([
    [
      'a drift entry without apiVersion',
      (report: Record<string, unknown>) => {
        delete (report['drift'] as Drift)[0]?.['apiVersion'];
      },
      'drift[0].apiVersion: required',
    ],
    [
      'a kind that is no string',
      (report: Record<string, unknown>) => {
        (report['drift'] as Drift)[0] = { apiVersion: 'v1', kind: 7, name: 'b', status: 'extra' };
      },
      'drift[0].kind: must be a string',
    ],
    [
      'an unknown status',
      (report: Record<string, unknown>) => {
        (report['drift'] as Drift)[0] = { apiVersion: 'v1', kind: 'A', name: 'b', status: 'gone' };
      },
      'drift[0].status: must be one of: modified, missing, extra',
    ],
    [
      'an unknown change reason',
      (report: Record<string, unknown>) => {
        ((report['drift'] as Drift)[0]?.['changes'] as Drift)[0] = { path: '/a', reason: 'moved' };
      },
      'drift[0].changes[0].reason: must be one of: differs, absent-live, live-only, removed-from-git',
    ],
    [
      'findings that are not a list',
      (report: Record<string, unknown>) => {
        report['findings'] = {};
      },
      'findings: must be a list',
    ],
    [
      'a scan without complete',
      (report: Record<string, unknown>) => {
        report['scan'] = { lists: [], unverified: [], withoutManagedFields: 0 };
      },
      'scan.complete: required',
    ],
    [
      'a field the scan does not have',
      (report: Record<string, unknown>) => {
        Object.assign(report['scan'] as object, { partial: true });
      },
      'scan: unknown field "partial"',
    ],
    [
      'evidence of another type',
      (report: Record<string, unknown>) => {
        Object.assign((report['findings'] as Drift)[0] ?? {}, { evidence: { pods: { n: 1 } } });
      },
      'findings[0].evidence.pods: must be a string or a number or true or false or a list',
    ],
    [
      'a time that is no time',
      (report: Record<string, unknown>) => {
        report['generatedAt'] = '2026-13-45T99:00:00Z';
      },
      'generatedAt: not a time',
    ],
    [
      'a summary that does not count its entries',
      (report: Record<string, unknown>) => {
        (report['summary'] as Record<string, unknown>)['modified'] = 2;
      },
      'summary.modified: 2, but the report holds 1',
    ],
    [
      'a summary of findings that does not count them',
      (report: Record<string, unknown>) => {
        report['findings'] = [];
      },
      'summary.findings.high: 1, but the report holds 0',
    ],
    [
      'an unconfirmed item without key',
      (report: Record<string, unknown>) => {
        ((report['history'] as Record<string, unknown>)['unconfirmed'] as Drift)[0] = {
          firstSeen: T1,
          kind: 'A',
          name: 'b',
        };
      },
      'history.unconfirmed[0].key: required',
    ],
  ])('%s', (_name, change, reason) => {
    expect(checkStoredReport(storedWith(change), 'prod')).toEqual({ problem: reason });
  });

  test('the reason names fields, never a value of the document', () => {
    const checked = checkStoredReport(
      storedWith((report) => {
        (report['source'] as Record<string, unknown>)['location'] = { token: 'hunter2' };
      }),
      'prod',
    );
    expect(checked).toEqual({ problem: 'source.location: must be a string' });
    const odd = checkStoredReport(
      storedWith((report) => {
        Object.assign(report['live'] as object, { [`\u001b[2J${'x'.repeat(200)}`]: 1 });
      }),
      'prod',
    );
    expect('problem' in odd && odd.problem).toMatch(/^live: unknown field "\\u001b\[2Jx{76}…"$/);
  });

  test('the stored object is not changed, and a report of a later 1.x reads as this version', () => {
    const old = storedWith((report) => {
      delete report['findings'];
      report['schemaVersion'] = '1.4';
    });
    const before = JSON.stringify(old);
    expect(checkStoredReport(old, 'prod')).toHaveProperty('report.schemaVersion', '1.0');
    expect(JSON.stringify(old)).toBe(before);
  });

  test('no schema is compiled at run time: the validator is the module generated from report.schema.json', async () => {
    vi.resetModules();
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    try {
      const fresh = await import('../../../lib/report/validate.ts');
      for (let round = 0; round < 3; round++)
        expect(fresh.checkStoredReport(JSON.parse(JSON.stringify(stored())), 'prod')).toHaveProperty('report');
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
  });
});

describe('parseReport (local and S3 stores)', () => {
  test('a stored report missing findings, scan and an apiVersion no longer breaks the next run: it is no previous report', () => {
    const broken = JSON.stringify(
      storedWith((report) => {
        delete report['findings'];
        delete report['scan'];
        delete (report['drift'] as Array<Record<string, unknown>>)[0]?.['apiVersion'];
      }),
    );
    const previous = parseReport(broken, 'prod');
    expect(previous).toBeUndefined();
    expect(() => applyHistory(current(), previous)).not.toThrow();
  });

  test('not JSON, or JSON of another shape: undefined', () => {
    expect(parseReport('{', 'prod')).toBeUndefined();
    expect(parseReport('null', 'prod')).toBeUndefined();
    expect(parseReport('{"cluster":"prod","drift":[]}', 'prod')).toBeUndefined();
  });

  test('a good report parses', () => {
    expect(parseReport(JSON.stringify(stored()), 'prod')?.runId).toBe('run-1');
  });
});

describe('failedReport', () => {
  test('an incomplete scan carrying the error, nothing audited, nothing drifted', () => {
    const report = failedReport({
      runId: 'run-9',
      cluster: 'prod',
      generatedAt: new Date(T2),
      sourcePath: 'prod',
      sourceLocation: 'https://git.example.com/repo.tgz',
      error: 'snapshot not found',
    });
    expect(report).toMatchObject({
      schemaVersion: '1.0',
      runId: 'run-9',
      cluster: 'prod',
      generatedAt: T2,
      source: { location: 'https://git.example.com/repo.tgz', path: 'prod', files: 0, failedFiles: [] },
      scan: { complete: false, error: 'snapshot not found', lists: [] },
      drift: [],
      findings: [],
    });
    expect(report.summary.declared).toBe(0);
  });

  test('history carries the previous drift forward as unconfirmed instead of resolving it', () => {
    const failed = failedReport({
      runId: 'run-9',
      cluster: 'prod',
      generatedAt: new Date(T2),
      sourcePath: 'prod',
      sourceLocation: 'repo',
      error: 'boom',
    });
    const marked = applyHistory(failed, stored());
    expect(marked.history?.resolved).toEqual([]);
    expect(marked.history?.unconfirmed.length).toBeGreaterThan(0);
  });
});
