import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import type { LiveState } from '../../../lib/cluster/types.ts';
import { computeDrift } from '../../../lib/diff/drift.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { formatReport } from '../../../lib/report/format.ts';
import type { Report } from '../../../lib/report/report.ts';
import type { toPolicyReport } from '../../../lib/report/policy-report.ts';
import { buildReport, withFindings } from '../../../lib/report/report.ts';
import type { DeclaredState } from '../../../lib/source/types.ts';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../lib/report/report.schema.json'), 'utf8'),
) as object;

function configMap(
  name: string,
  data: Record<string, string>,
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', ...extra }, data };
}

function sampleReport(liveOverrides: Partial<LiveState> = {}): Report {
  const declared: DeclaredState = {
    location: '/repo',
    commit: 'f28246b180aeb279e908986a8cd7188ed5f4e6b7',
    fileCount: 2,
    objects: [
      { object: configMap('flags', { mode: 'fast|safe' }), file: 'cm.yaml', line: 1 },
      { object: configMap('gone', { a: '1' }), file: 'cm.yaml', line: 9 },
    ],
    problems: [{ file: 'broken.yaml', line: 3, message: 'bad indentation', severity: 'error' }],
  };
  const live: LiveState = {
    origin: 'snapshot.yaml',
    complete: true,
    lists: [],
    clusterScopedKinds: [],
    objects: [
      configMap(
        'flags',
        { mode: 'slow' },
        {
          managedFields: [
            {
              manager: 'kubectl-edit',
              operation: 'Update',
              time: '2026-11-20T10:02:11Z',
              fieldsV1: { 'f:data': { 'f:mode': {} } },
            },
          ],
        },
      ),
      configMap(
        'handmade',
        { b: '2' },
        {
          managedFields: [
            {
              manager: 'kubectl-create',
              operation: 'Update',
              time: '2026-11-21T07:00:00Z',
              fieldsV1: { 'f:data': {} },
            },
          ],
        },
      ),
    ],
    ...liveOverrides,
  };
  return buildReport({
    runId: 'run12345',
    cluster: 'demo',
    generatedAt: new Date('2026-11-23T12:00:00Z'),
    sourcePath: '.',
    declared,
    live,
    result: computeDrift(declared.objects, live, { secretDigestKey: randomBytes(32) }),
  });
}

describe('report', () => {
  test('validates against the shipped JSON Schema', () => {
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    const report = sampleReport();
    expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
  });

  test('counts modified, missing, extra, changes and failed files', () => {
    expect(sampleReport().summary).toEqual({
      declared: 2,
      compared: 1,
      modified: 1,
      missing: 1,
      extra: 1,
      changes: 1,
      failedFiles: 1,
      findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      exemptedFindings: 0,
    });
  });

  test('an extra object names who created it', () => {
    expect(sampleReport().drift.find((entry) => entry.status === 'extra')).toMatchObject({
      name: 'handmade',
      manager: 'kubectl-create',
      time: '2026-11-21T07:00:00Z',
    });
  });

  test('a failed live read marks the scan incomplete, and declared objects are unverified rather than missing', () => {
    const report = sampleReport({
      objects: [],
      complete: false,
      error: 'API discovery failed at https://127.0.0.1:6443: ECONNREFUSED',
    });
    expect(report.scan.complete).toBe(false);
    expect(report.scan.error).toContain('ECONNREFUSED');
    expect(report.drift.filter((entry) => entry.status === 'missing')).toEqual([]);
    expect(report.scan.unverified).toHaveLength(2);
  });
});

describe('formats', () => {
  test('the table names who changed a field and when', () => {
    const table = formatReport(sampleReport(), 'table');
    expect(table).toContain('kubectl-edit at 2026-11-20T10:02:11Z');
    expect(table).toContain('failed file: broken.yaml:3: bad indentation');
    expect(table).toContain('@ f28246b180ae');
  });

  test('markdown escapes pipes inside values', () => {
    const markdown = formatReport(sampleReport(), 'markdown');
    expect(markdown).toContain(
      '| modified | ConfigMap shop/flags | `/data/mode` | fast\\|safe | slow | kubectl-edit at 2026-11-20T10:02:11Z |  |',
    );
  });

  test('policyreport turns findings into PolicyReport results, exempted ones as skip', () => {
    const report = withFindings(sampleReport(), [
      {
        check: 'pod-privileged',
        severity: 'critical',
        kind: 'Pod',
        namespace: 'shop',
        name: 'debug',
        message: 'privileged',
        remediation: 'kubectl delete pod debug -n shop',
      },
      {
        check: 'images-latest',
        severity: 'medium',
        kind: 'Pod',
        namespace: 'shop',
        name: 'debug',
        message: 'latest',
        exempted: true,
      },
    ]);
    const policyReport = JSON.parse(formatReport(report, 'policyreport')) as ReturnType<typeof toPolicyReport>;
    expect(policyReport).toMatchObject({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'ClusterPolicyReport',
      metadata: { name: 'driftwatch-demo' },
      summary: { fail: 1, skip: 1, pass: 0 },
    });
    expect(policyReport.results[0]).toMatchObject({
      policy: 'pod-privileged',
      result: 'fail',
      severity: 'critical',
      resources: [{ kind: 'Pod', namespace: 'shop', name: 'debug' }],
      properties: { remediation: 'kubectl delete pod debug -n shop' },
      timestamp: { seconds: Date.parse('2026-11-23T12:00:00Z') / 1000 },
    });
  });

  test('json is the report itself', () => {
    const report = sampleReport();
    expect(JSON.parse(formatReport(report, 'json'))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
