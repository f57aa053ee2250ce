import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { diffObject } from '../../../lib/diff/object.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { APPLIED_FIELDS, deployment, entry, withServerDefaults } from './helpers.ts';

const options = { trust: trustPolicy(), ignoreRules: [], secretDigestKey: randomBytes(32) };
const PASSWORD = 'correct-horse-battery-staple';

function secret(metadata: Record<string, unknown>, fields: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', ...metadata }, ...fields };
}

describe('Secret values never leave the engine', () => {
  test('a declared annotations value that is not a map does not expose the live last-applied annotation', () => {
    const lastApplied = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: PASSWORD },
    });
    const diff = diffObject(
      secret({ annotations: [] }),
      secret({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } }),
      options,
    );
    expect(JSON.stringify(diff.changes)).not.toContain(PASSWORD);
  });

  test('an annotation on a Secret that copies a value is shown as a digest', () => {
    const live = secret(
      {
        annotations: { 'tool.example.com/last-config': `password=${PASSWORD}` },
        managedFields: [
          entry('secret-tool', 'Update', '2026-11-20T10:00:00Z', {
            'f:metadata': { 'f:annotations': { 'f:tool.example.com/last-config': {} } },
          }),
        ],
      },
      { data: {} },
    );
    const diff = diffObject(secret({}, { data: {} }), live, options);
    expect(diff.changes).toMatchObject([
      { path: '/metadata/annotations/tool.example.com~1last-config', reason: 'live-only' },
    ]);
    expect(diff.changes[0]?.live).toMatch(/^hmac-sha256:/);
  });

  test('labels and type of a Secret stay readable', () => {
    const diff = diffObject(
      secret({ labels: { tier: 'db' } }, { type: 'Opaque' }),
      secret({ labels: { tier: 'cache' } }, { type: 'kubernetes.io/basic-auth' }),
      options,
    );
    expect(diff.changes.map((change) => [change.path, change.live])).toEqual([
      ['/metadata/labels/tier', 'cache'],
      ['/type', 'kubernetes.io/basic-auth'],
    ]);
  });

  test('a last-applied annotation that is not an object is ignored, not a crash', () => {
    for (const text of ['null', '"text"', '[1]', '{']) {
      expect(() =>
        diffObject(
          secret({}, { data: {} }),
          secret({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': text } }, { data: {} }),
          options,
        ),
      ).not.toThrow();
    }
  });
});

describe('precision', () => {
  test('declared zero values the API server omits (false, 0, "") are not missing live', () => {
    const declared = deployment((object) => {
      object.spec['minReadySeconds'] = 0;
      object.spec.template.spec['hostNetwork'] = false;
      const container = object.spec.template.spec.containers[0];
      if (container) {
        container['tty'] = false;
        container.env?.push({ name: 'EMPTY', value: '' });
      }
    });
    const live = deployment((object) => {
      withServerDefaults(object);
      object.spec.template.spec.containers[0]?.env?.push({ name: 'EMPTY' });
    });
    expect(diffObject(declared, live, options).changes).toEqual([]);
  });

  test('a field owned through Apply by a trusted operator that owns nothing Git declares is not the applier leftover', () => {
    const live = deployment((object) => {
      withServerDefaults(object);
      object.spec.template.spec['priorityClassName'] = 'platform-high';
      object.metadata.managedFields = [
        entry('argocd-controller', 'Apply', '2026-11-01T08:00:00Z', APPLIED_FIELDS),
        entry('priority-operator', 'Apply', '2026-11-02T08:00:00Z', {
          'f:spec': { 'f:template': { 'f:spec': { 'f:priorityClassName': {} } } },
        }),
      ];
    });
    const trusting = {
      trust: trustPolicy([{ manager: 'argocd-controller' }, { manager: 'priority-operator' }]),
      ignoreRules: [],
    };
    expect(diffObject(deployment(), live, trusting).changes).toEqual([]);
  });

  test('the rules of an aggregated ClusterRole belong to the aggregation controller', () => {
    const role = (rules: unknown): KubeObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'monitoring' },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }],
      },
      rules,
    });
    const live = role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    live.metadata.managedFields = [
      entry('clusterrole-aggregation-controller', 'Apply', '2026-11-01T08:00:00Z', { 'f:rules': {} }),
    ];
    expect(diffObject(role([]), live, options).changes).toEqual([]);
  });
});
