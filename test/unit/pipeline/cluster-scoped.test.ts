import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { auditSnapshot, snapshotText, tree } from './helpers.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const byHand = [
  { manager: 'kubectl-create', operation: 'Update', time: '2026-05-01T10:00:00Z', fieldsV1: { 'f:roleRef': {} } },
];
const byApiServer = [
  { manager: 'kube-apiserver', operation: 'Update', time: '2026-04-01T10:00:00Z', fieldsV1: { 'f:rules': {} } },
];
const applied = [
  { manager: 'kubectl', operation: 'Apply', time: '2026-04-01T10:00:00Z', fieldsV1: { 'f:roleRef': {} } },
];

function object(
  apiVersion: string,
  kind: string,
  name: string,
  metadata: Record<string, unknown>,
  fields: Record<string, unknown> = {},
): KubeObject {
  return { apiVersion, kind, metadata: { name, ...metadata }, ...fields };
}

const DECLARED = {
  'namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
  'crb.yaml': `apiVersion: ${RBAC}\nkind: ClusterRoleBinding\nmetadata: {name: shop-readers}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: Group, name: shop-team, apiGroup: rbac.authorization.k8s.io}]\n`,
  'cr.yaml': `apiVersion: ${RBAC}\nkind: ClusterRole\nmetadata: {name: shop-reader}\nrules: []\n`,
};

const LIVE: KubeObject[] = [
  object('v1', 'Namespace', 'shop', { managedFields: applied }),
  object(
    RBAC,
    'ClusterRoleBinding',
    'shop-readers',
    { managedFields: applied },
    {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'shop-team', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  ),
  object(RBAC, 'ClusterRole', 'shop-reader', { managedFields: applied }, { rules: [] }),
  // By hand: a grant of secrets and pods/exec, and a namespace.
  object(
    RBAC,
    'ClusterRole',
    'debug-all',
    { managedFields: byHand },
    { rules: [{ apiGroups: [''], resources: ['secrets', 'pods/exec'], verbs: ['get', 'create'] }] },
  ),
  object(
    RBAC,
    'ClusterRoleBinding',
    'debug-all',
    { managedFields: byHand },
    {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'debug-all' },
      subjects: [{ kind: 'User', name: 'mallory', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  ),
  object('v1', 'Namespace', 'scratch', { managedFields: byHand }),
  // What the cluster brings along: never extra, never hand-made.
  object('v1', 'Namespace', 'default', { managedFields: byApiServer }),
  object('v1', 'Namespace', 'kube-system', { managedFields: byHand }),
  object(RBAC, 'ClusterRole', 'system:node', { managedFields: byHand }, { rules: [] }),
  object(
    RBAC,
    'ClusterRole',
    'view',
    { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, managedFields: byHand },
    { rules: [] },
  ),
  object(
    RBAC,
    'ClusterRole',
    'monitoring-aggregate',
    { managedFields: byHand },
    { aggregationRule: { clusterRoleSelectors: [] }, rules: [] },
  ),
  object(
    RBAC,
    'ClusterRoleBinding',
    'cluster-admin',
    { managedFields: byApiServer },
    { roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } },
  ),
  object(RBAC, 'ClusterRoleBinding', 'operator-made', {
    managedFields: byHand,
    ownerReferences: [{ kind: 'Operator', name: 'x' }],
  }),
];

describe('hand-made cluster-scoped objects', () => {
  test('are extra drift when the repository declares their kind, with the same exclusions as namespaced ones', async () => {
    const report = await auditSnapshot(snapshotText(LIVE), { tree: tree(DECLARED) });
    const extras = report.drift
      .filter((entry) => entry.status === 'extra')
      .map((entry) => `${entry.kind} ${entry.name}`);
    // A Namespace is scoped as the namespace it is: `scratch` is outside the namespaces the repository uses.
    expect(extras.sort()).toEqual(['ClusterRole debug-all', 'ClusterRoleBinding debug-all']);
    const withScratch = await auditSnapshot(snapshotText(LIVE), {
      tree: tree({
        ...DECLARED,
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: scratch}\n',
      }),
    });
    expect(
      withScratch.drift.filter((entry) => entry.status === 'extra').map((entry) => `${entry.kind} ${entry.name}`),
    ).toContain('Namespace scratch');
    expect(report.drift.find((entry) => entry.name === 'debug-all')).toMatchObject({
      manager: 'kubectl-create',
      time: '2026-05-01T10:00:00Z',
    });
  });

  test('are hand-made findings, with a command without -n', async () => {
    const report = await auditSnapshot(snapshotText(LIVE), { tree: tree(DECLARED) });
    const handMade = report.findings.filter((finding) => finding.check === 'hand-made-object');
    expect(handMade.map((finding) => `${finding.kind} ${finding.name}`).sort()).toEqual([
      'ClusterRole debug-all',
      'ClusterRoleBinding debug-all',
      'Namespace scratch',
    ]);
    expect(handMade.find((finding) => finding.kind === 'Namespace')?.remediation).toContain(
      'kubectl delete namespace scratch)',
    );
  });

  test('with --namespace, other Namespaces are out of scope', async () => {
    const shopOnly = await auditSnapshot(snapshotText(LIVE), { tree: tree(DECLARED), namespaces: ['shop'] });
    expect(shopOnly.findings.map((finding) => `${finding.kind} ${finding.name}`)).not.toContain('Namespace scratch');
  });
});
