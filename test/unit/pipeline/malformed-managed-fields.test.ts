import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { auditSnapshot, snapshotText, tree } from './helpers.ts';

const editedBy = (manager: unknown): unknown[] => [
  { manager, operation: 'Update', time: '2026-05-01T10:00:00Z', fieldsV1: { 'f:data': { 'f:mode': {} } } },
];

/** A live ConfigMap whose data.mode was changed, carrying these managedFields. */
function liveConfigMap(name: string, managedFields: unknown): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'shop', managedFields },
    data: { mode: 'slow' },
  } as KubeObject;
}

const MALFORMED: Record<string, unknown> = {
  'null-entry': [null],
  'scalar-entry': ['kubectl-edit'],
  'not-a-list': { manager: 'kubectl-edit' },
  'numeric-manager': editedBy(42),
  'scalar-fields': [{ manager: 'kubectl-edit', operation: 'Update', fieldsV1: 'f:data' }],
};

describe('malformed managedFields', () => {
  test('cost the object its attribution, with a warning naming it; the audit of every other object goes on', async () => {
    const names = ['good', ...Object.keys(MALFORMED)];
    const declared = Object.fromEntries(
      names.map((name) => [
        `${name}.yaml`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: shop}\ndata: {mode: fast}\n`,
      ]),
    );
    const live = [
      liveConfigMap('good', editedBy('kubectl-edit')),
      ...Object.entries(MALFORMED).map(([name, fields]) => liveConfigMap(name, fields)),
    ];
    const report = await auditSnapshot(snapshotText(live), { tree: tree(declared) });
    expect(report.drift).toHaveLength(names.length);
    const good = report.drift.find((entry) => entry.name === 'good');
    expect(good?.changes?.[0]).toMatchObject({ path: '/data/mode', manager: 'kubectl-edit' });
    for (const name of Object.keys(MALFORMED)) {
      const entry = report.drift.find((candidate) => candidate.name === name);
      expect(entry, name).toMatchObject({ status: 'modified', attribution: 'unavailable' });
      expect(
        report.scan.warnings?.some((warning) => warning.startsWith(`ConfigMap shop/${name}: metadata.managedFields`)),
        name,
      ).toBe(true);
    }
    expect(report.scan.warnings).toHaveLength(Object.keys(MALFORMED).length);
  });
});
