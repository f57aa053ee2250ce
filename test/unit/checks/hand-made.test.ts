import { describe, expect, it } from 'vitest';
import type { ManagedFieldsEntry } from '../../../lib/kube/object.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import { object, runCheck } from './helpers.ts';

function configMap(name: string, managedFields: ManagedFieldsEntry[], metadata: Record<string, unknown> = {}, namespace = 'shop'): ReturnType<typeof object> {
  return object('v1', 'ConfigMap', name, namespace, { metadata: { managedFields, ...metadata }, data: { key: 'value' } });
}

const BY_HAND: ManagedFieldsEntry[] = [{ manager: 'kubectl-create', operation: 'Update' }];

describe('hand-made-object', () => {
  it('fires on an object written only by kubectl create, naming the manager', () => {
    const [found] = runCheck('hand-made-object', [configMap('debug', BY_HAND)]);

    expect(found).toMatchObject({ severity: 'medium', kind: 'ConfigMap', namespace: 'shop', name: 'debug' });
    expect(found?.message).toBe('ConfigMap shop/debug looks hand-made: no last-applied configuration, no owner, written only by kubectl-create (Update)');
    expect(found?.remediation).toContain('kubectl delete configmap debug -n shop');
  });

  it('stays quiet on applied twins: last-applied annotation, Apply operation, trusted manager, owner', () => {
    const twins = [
      configMap('a', BY_HAND, { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }),
      configMap('b', [{ manager: 'argocd-controller', operation: 'Apply' }]),
      configMap('c', [{ manager: 'helm', operation: 'Update' }]),
      configMap('d', BY_HAND, { ownerReferences: [{ kind: 'Deployment', name: 'web' }] }),
    ];

    expect(runCheck('hand-made-object', twins)).toStrictEqual([]);
  });

  it('uses the trust function it is given', () => {
    const byTerraform = configMap('tf', [{ manager: 'terraform', operation: 'Update' }]);

    expect(runCheck('hand-made-object', [byTerraform])).toHaveLength(1);
    expect(runCheck('hand-made-object', [byTerraform], { trust: trustPolicy([{ manager: 'terraform' }]) })).toStrictEqual([]);
  });

  it('does not count a trusted controller writing only the status subresource', () => {
    const service = object('v1', 'Service', 'lb', 'shop', {
      metadata: { managedFields: [...BY_HAND, { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status' }] },
    });

    expect(runCheck('hand-made-object', [service])).toHaveLength(1);
  });

  it('skips built-in defaults and generated kinds', () => {
    const defaults = [
      configMap('kube-root-ca.crt', BY_HAND),
      object('v1', 'ServiceAccount', 'default', 'shop', { metadata: { managedFields: BY_HAND } }),
      object('v1', 'Secret', 'default-token-x', 'shop', { type: 'kubernetes.io/service-account-token', metadata: { managedFields: BY_HAND } }),
      object('v1', 'Event', 'e1', 'shop', { metadata: { managedFields: BY_HAND } }),
      object('v1', 'Endpoints', 'web', 'shop', { metadata: { managedFields: BY_HAND } }),
      object('discovery.k8s.io/v1', 'EndpointSlice', 'web-x', 'shop', { metadata: { managedFields: BY_HAND } }),
      object('coordination.k8s.io/v1', 'Lease', 'lock', 'shop', { metadata: { managedFields: BY_HAND } }),
    ];

    expect(runCheck('hand-made-object', defaults)).toStrictEqual([]);
  });

  it('skips objects without managedFields: no evidence either way', () => {
    expect(runCheck('hand-made-object', [configMap('bare', [])])).toStrictEqual([]);
  });

  it('looks only at audited namespaces, and by default not at the system ones', () => {
    const inOps = configMap('debug', BY_HAND, {}, 'ops');
    const inKubeSystem = configMap('debug', BY_HAND, {}, 'kube-system');

    expect(runCheck('hand-made-object', [inOps, inKubeSystem]).map((found) => found.namespace)).toStrictEqual(['ops']);
    expect(runCheck('hand-made-object', [inOps, inKubeSystem], { auditedNamespaces: ['shop'] })).toStrictEqual([]);
  });

  it('never suggests printing a hand-made Secret', () => {
    const secret = object('v1', 'Secret', 'token', 'shop', { type: 'Opaque', data: { token: 'c2VjcmV0' }, metadata: { managedFields: BY_HAND } });

    const [found] = runCheck('hand-made-object', [secret]);

    expect(found?.remediation).toContain('kubectl describe secret token -n shop');
    expect(JSON.stringify(found)).not.toContain('c2VjcmV0');
  });
});
