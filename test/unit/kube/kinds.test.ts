import { describe, expect, it } from 'vitest';
import { groupOf, kindKey, kindOf, objectKindKey, parseKindKey } from '../../../lib/kube/kinds.ts';
import { refKey } from '../../../lib/kube/object.ts';

describe('kindKey', () => {
  it('writes group/Kind, with an empty group for core kinds (the form reports hold in listedKinds)', () => {
    expect(kindKey({ group: 'apps', kind: 'Deployment' })).toBe('apps/Deployment');
    expect(kindKey({ group: '', kind: 'Pod' })).toBe('/Pod');
  });

  it('is read back by parseKindKey, for core and dotted groups', () => {
    for (const kind of [
      { group: '', kind: 'Pod' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    ]) {
      expect(parseKindKey(kindKey(kind))).toEqual(kind);
    }
    expect(parseKindKey('Pod')).toBeUndefined();
  });

  it('takes an object kind from its apiVersion, the version aside', () => {
    expect(kindOf({ apiVersion: 'apps/v1beta1', kind: 'Deployment' })).toEqual({ group: 'apps', kind: 'Deployment' });
    expect(objectKindKey({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe('/ConfigMap');
    expect(groupOf('batch/v1')).toBe('batch');
  });

  it('is the start of an object key', () => {
    const ref = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' };
    expect(refKey(ref)).toBe(`${kindKey(ref)}/shop/web`);
    expect(refKey({ group: '', kind: 'Namespace', name: 'shop' })).toBe('/Namespace//shop');
  });
});
