import { describe, expect, it } from 'vitest';
import { object, runCheck } from './helpers.ts';

function daemonSet(name: string, desired?: number): ReturnType<typeof object> {
  return object('apps/v1', 'DaemonSet', name, 'kube-system', desired === undefined ? {} : { status: { desiredNumberScheduled: desired } });
}

describe('cni-multiple', () => {
  it('fires once per active CNI DaemonSet, each a real object naming the others, with the parking hint for the CNIs found', () => {
    const findings = runCheck('cni-multiple', [daemonSet('aws-node', 3), daemonSet('cilium', 3), daemonSet('kube-proxy', 3)]);

    expect(findings.map((found) => ({ kind: found.kind, namespace: found.namespace, name: found.name }))).toEqual([
      { kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node' },
      { kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium' },
    ]);
    const [awsNode, cilium] = findings;
    expect(awsNode?.message).toBe('DaemonSet kube-system/aws-node is one of 2 active CNI plugins; also active: kube-system/cilium');
    expect(awsNode?.remediation).toContain('io.cilium/aws-node-enabled');
    expect(cilium?.remediation).toBe('Keep one CNI plugin (this one or aws-node) and remove the others; to remove this one: kubectl delete daemonset cilium -n kube-system');
  });

  it('never suggests a Cilium selector when the other CNI is Calico', () => {
    const [awsNode] = runCheck('cni-multiple', [daemonSet('aws-node', 3), daemonSet('calico-node', 3)]);
    expect(awsNode?.remediation).toContain('patch daemonset aws-node');
    expect(awsNode?.remediation).not.toMatch(/cilium/i);
    expect(awsNode?.remediation).toContain('this one or calico-node');
  });

  it('counts a CNI DaemonSet without status as present', () => {
    expect(runCheck('cni-multiple', [daemonSet('calico-node'), daemonSet('kube-flannel-ds-amd64', 2)])).toHaveLength(2);
  });

  it('stays quiet when the second CNI is parked (desiredNumberScheduled 0)', () => {
    expect(runCheck('cni-multiple', [daemonSet('aws-node', 0), daemonSet('cilium', 3)])).toStrictEqual([]);
  });

  it('stays quiet with a single CNI', () => {
    expect(runCheck('cni-multiple', [daemonSet('cilium', 3), daemonSet('kube-proxy', 3)])).toStrictEqual([]);
  });
});
