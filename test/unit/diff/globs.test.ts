import { describe, expect, it } from 'vitest';
import { isObjectIgnored } from '../../../lib/diff/ignore.ts';
import type { Owner } from '../../../lib/diff/ownership.ts';
import { DEFAULT_TRUSTED_MANAGERS, trustPolicy } from '../../../lib/diff/trust.ts';
import { CONTROL_PLANE_MANAGERS } from '../../../lib/kube/builtin.ts';

// The glob of lib/io/glob.ts, as ignore rules and trusted managers use it (the same as exemptions and allow-lists).
describe('ignore rules', () => {
  const configMap = { group: '', kind: 'ConfigMap', namespace: 'batch-nightly', name: 'settings' };
  const clusterRole = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };

  it('match the documented example: namespace batch-*', () => {
    expect(isObjectIgnored([{ kind: 'ConfigMap', namespace: 'batch-*' }], configMap)).toBe(true);
    expect(isObjectIgnored([{ kind: 'ConfigMap', namespace: 'batch-*' }], { ...configMap, namespace: 'shop' })).toBe(
      false,
    );
  });

  it('* matches the core group and an absent namespace (the empty value), as in exemptions', () => {
    expect(isObjectIgnored([{ group: '*', kind: 'ConfigMap' }], configMap)).toBe(true);
    expect(isObjectIgnored([{ kind: 'ClusterRole', namespace: '*' }], clusterRole)).toBe(true);
    expect(isObjectIgnored([{ group: '', kind: 'ClusterRole' }], clusterRole)).toBe(false);
  });

  it('? is one character; braces and brackets are plain characters', () => {
    expect(isObjectIgnored([{ kind: 'ConfigMap', name: 'setting?' }], configMap)).toBe(true);
    expect(isObjectIgnored([{ kind: 'ConfigMap', name: '{settings,other}' }], configMap)).toBe(false);
    expect(isObjectIgnored([{ kind: 'ConfigMap', name: '[s]ettings' }], configMap)).toBe(false);
  });
});

describe('trusted managers', () => {
  const owner = (manager: string, operation = 'Update'): Owner => ({ manager, operation });

  it('match manager names by glob, / included', () => {
    const trust = trustPolicy([{ manager: 'flux-*' }, { manager: 'ci/*', operation: 'Apply' }]);
    expect(trust(owner('flux-kustomize'))).toBe(true);
    expect(trust(owner('ci/deploy', 'Apply'))).toBe(true);
    expect(trust(owner('ci/deploy', 'Update'))).toBe(false);
    expect(trust(owner('kubectl-edit'))).toBe(false);
  });

  it('trust every control-plane manager by default: the one list of lib/kube/builtin.ts', () => {
    const trust = trustPolicy(DEFAULT_TRUSTED_MANAGERS);
    expect(CONTROL_PLANE_MANAGERS.size).toBeGreaterThan(0);
    for (const manager of CONTROL_PLANE_MANAGERS) expect(trust(owner(manager))).toBe(true);
    expect(
      DEFAULT_TRUSTED_MANAGERS.filter((entry) => CONTROL_PLANE_MANAGERS.has(entry.manager)).map(
        (entry) => entry.manager,
      ),
    ).toEqual([...CONTROL_PLANE_MANAGERS]);
  });
});
