import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { exportCsv } from '../../../lib/report/csv.ts';
import { buildExport } from '../../../lib/report/export.ts';
import { formatReport } from '../../../lib/report/format.ts';
import { auditSnapshot, snapshotText, tree } from './helpers.ts';

const DECLARED = tree({
  'web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 2}\n',
});
const applied = {
  manager: 'argocd-controller',
  operation: 'Apply',
  time: '2026-05-01T09:00:00Z',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } },
};
/** What the API server records for `kubectl scale`: a write through the scale subresource, without a time. */
const scaled = {
  manager: 'kubectl',
  operation: 'Update',
  subresource: 'scale',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } },
};

function scaledDeployment(extraEntries: unknown[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', managedFields: [applied, scaled, ...extraEntries] },
    spec: { replicas: 5 },
  } as KubeObject;
}

describe('a change through the scale subresource', () => {
  test('without any time for its manager says "time unknown" in the table, the markdown and the CSV', async () => {
    const report = await auditSnapshot(snapshotText([scaledDeployment([])]), { tree: DECLARED });
    const change = report.drift[0]?.changes?.[0];
    expect(change).toMatchObject({ path: '/spec/replicas', manager: 'kubectl', subresource: 'scale' });
    expect(change?.time).toBeUndefined();
    expect(formatReport(report, 'table')).toContain('kubectl (scale), time unknown');
    expect(formatReport(report, 'markdown')).toContain('kubectl (scale), time unknown');
    const csv = exportCsv(buildExport(report.cluster, [report]));
    expect(csv).toContain(',time unknown,');
  });

  test('takes the newest time the object shows for that manager', async () => {
    const labelled = {
      manager: 'kubectl',
      operation: 'Update',
      time: '2026-05-01T11:30:00Z',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:tier': {} } } },
    };
    const older = {
      manager: 'kubectl',
      operation: 'Update',
      time: '2026-05-01T10:00:00Z',
      fieldsV1: { 'f:metadata': { 'f:annotations': {} } },
    };
    const report = await auditSnapshot(snapshotText([scaledDeployment([older, labelled])]), { tree: DECLARED });
    expect(report.drift[0]?.changes?.[0]).toMatchObject({
      manager: 'kubectl',
      subresource: 'scale',
      time: '2026-05-01T11:30:00Z',
    });
  });
});
