import { describe, expect, it } from 'vitest';
import { object, runCheck } from './helpers.ts';

function daemonSet(name: string, desired?: number): ReturnType<typeof object> {
  return object('apps/v1', 'DaemonSet', name, 'kube-system', desired === undefined ? {} : { status: { desiredNumberScheduled: desired } });
}

describe('cni-multiple', () => {
  it('fires once, listing every active CNI DaemonSet, with the aws-node parking hint', () => {
    const findings = runCheck('cni-multiple', [daemonSet('aws-node', 3), daemonSet('cilium', 3), daemonSet('kube-proxy', 3)]);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'high', kind: 'DaemonSet', name: 'aws-node, cilium' });
    expect(findings[0]?.message).toBe('2 CNI plugins are active: kube-system/aws-node, kube-system/cilium');
    expect(findings[0]?.remediation).toContain('Reconcile the CNI plugins');
    expect(findings[0]?.remediation).toContain('patch daemonset aws-node');
  });

  it('counts a CNI DaemonSet without status as present', () => {
    expect(runCheck('cni-multiple', [daemonSet('calico-node'), daemonSet('kube-flannel-ds-amd64', 2)])).toHaveLength(1);
  });

  it('stays quiet when the second CNI is parked (desiredNumberScheduled 0)', () => {
    expect(runCheck('cni-multiple', [daemonSet('aws-node', 0), daemonSet('cilium', 3)])).toStrictEqual([]);
  });

  it('stays quiet with a single CNI', () => {
    expect(runCheck('cni-multiple', [daemonSet('cilium', 3), daemonSet('kube-proxy', 3)])).toStrictEqual([]);
  });
});
