import { describe, expect, test } from 'vitest';
import type { LiveState } from '../../../lib/cluster/types.ts';
import { formatReport } from '../../../lib/report/format.ts';
import { auditSnapshot, tree } from './helpers.ts';

const DECLARED = tree({
  'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: shop}\ndata: {mode: fast}\n',
  'secrets.yaml':
    'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: x}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: api, namespace: shop}\nstringData: {token: y}\n',
});

/** What a cluster read gives without --include-secrets: ConfigMaps listed, no list of Secrets at all. */
const CLUSTER_READ: LiveState = {
  origin: 'kubeconfig:prod',
  objects: [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', namespace: 'shop' }, data: { mode: 'fast' } },
  ],
  lists: [{ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', status: 'listed', count: 1 }],
  complete: true,
  clusterScopedKinds: [],
};

describe('declared Secrets that are not read', () => {
  test('are named once, in the report and the table, with how to verify them', async () => {
    const report = await auditSnapshot('', { tree: DECLARED, readLive: () => Promise.resolve(CLUSTER_READ) });
    expect(report.scan.unreadSecrets?.map((ref) => ref.name).sort()).toEqual(['api', 'db']);
    const table = formatReport(report, 'table');
    const lines = table.split('\n').filter((line) => line.includes('Secrets not verified'));
    expect(lines).toEqual([
      '2 declared Secrets not verified (shop/db, shop/api): Secrets are not read by default; --include-secrets (includeSecrets: true in the config), with RBAC on secrets, verifies them',
    ]);
    expect(table).not.toContain('declared objects not verified');
    expect(formatReport(report, 'markdown')).toContain('- 2 declared Secrets not verified (shop/db, shop/api)');
  });

  test('with --include-secrets an unlisted Secret type is an ordinary unverified type', async () => {
    const report = await auditSnapshot('', {
      tree: DECLARED,
      includeSecrets: true,
      readLive: () => Promise.resolve(CLUSTER_READ),
    });
    expect(report.scan.unreadSecrets).toBeUndefined();
    expect(formatReport(report, 'table')).toContain('2 declared objects not verified (their type could not be listed)');
  });
});
