import { describe, expect, test } from 'vitest';
import { auditSnapshot, snapshotText } from './helpers.ts';

const byHand = [
  { manager: 'kubectl-create', operation: 'Update', time: '2026-05-01T10:00:00Z', fieldsV1: { 'f:data': {} } },
];
const LIVE = snapshotText([
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-hand', namespace: 'shop', managedFields: byHand } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-hand', namespace: 'web', managedFields: byHand } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'by-hand', namespace: 'kube-system', managedFields: byHand },
  },
]);

describe('a checks-only run (no source)', () => {
  test("audits every namespace of the snapshot but the control plane's for hand-made objects", async () => {
    const report = await auditSnapshot(LIVE);
    const handMade = report.findings
      .filter((finding) => finding.check === 'hand-made-object')
      .map((finding) => finding.namespace);
    expect(handMade.sort()).toEqual(['shop', 'web']);
  });

  test('--namespace still narrows it', async () => {
    const report = await auditSnapshot(LIVE, { namespaces: ['shop'] });
    expect(
      report.findings.filter((finding) => finding.check === 'hand-made-object').map((finding) => finding.namespace),
    ).toEqual(['shop']);
  });
});
