import { describe, expect, it } from 'vitest';
import { tolerates } from '../../../lib/checks/tolerations.ts';
import { node, object, pod, runCheck } from './helpers.ts';

describe('node-not-ready', () => {
  it('fires on Ready=False with the reason and the drain command', () => {
    const sick = node('node-1', { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy', lastTransitionTime: '2026-05-01T11:00:00Z' }] } });

    const [found] = runCheck('node-not-ready', [sick]);

    expect(found).toMatchObject({ severity: 'critical', kind: 'Node', name: 'node-1' });
    expect(found).not.toHaveProperty('namespace');
    expect(found?.message).toBe('Node node-1 is NotReady (Ready=False since 2026-05-01T11:00:00Z): KubeletNotReady: PLEG is not healthy');
    expect(found?.remediation).toContain('kubectl drain --ignore-daemonsets --delete-emptydir-data node-1');
  });

  it('fires on Ready=Unknown (node stopped reporting)', () => {
    expect(runCheck('node-not-ready', [node('node-1', { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })])).toHaveLength(1);
  });

  it('stays quiet on a Ready twin and on a node without status', () => {
    expect(runCheck('node-not-ready', [node('node-1'), node('node-2', { status: {} })])).toStrictEqual([]);
  });
});

describe('node-pressure', () => {
  it('fires once per node listing every pressure condition that is True', () => {
    const conditions = [
      { type: 'Ready', status: 'True' },
      { type: 'MemoryPressure', status: 'True', message: 'kubelet has insufficient memory available' },
      { type: 'DiskPressure', status: 'True' },
      { type: 'PIDPressure', status: 'False' },
    ];

    const findings = runCheck('node-pressure', [node('node-1', { status: { conditions } })]);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toBe('Node node-1 reports MemoryPressure, DiskPressure: kubelet has insufficient memory available');
    expect(findings[0]?.evidence).toStrictEqual({ conditions: ['MemoryPressure', 'DiskPressure'] });
  });

  it('fires on NetworkUnavailable True', () => {
    const conditions = [{ type: 'Ready', status: 'True' }, { type: 'NetworkUnavailable', status: 'True' }];

    expect(runCheck('node-pressure', [node('node-1', { status: { conditions } })])).toHaveLength(1);
  });

  it('stays quiet on a healthy twin', () => {
    expect(runCheck('node-pressure', [node('node-1')])).toStrictEqual([]);
  });
});

describe('node-cordoned', () => {
  it('fires on spec.unschedulable with kubectl uncordon', () => {
    const [found] = runCheck('node-cordoned', [node('node-1', { spec: { unschedulable: true } })]);

    expect(found?.severity).toBe('low');
    expect(found?.remediation).toContain('kubectl uncordon node-1');
  });

  it('stays quiet on a schedulable twin', () => {
    expect(runCheck('node-cordoned', [node('node-1')])).toStrictEqual([]);
  });
});

describe('node-taint-untolerated', () => {
  const tainted = node('gpu-1', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });

  it('fires on a NoSchedule taint no pod tolerates, with the command to remove it', () => {
    const [found] = runCheck('node-taint-untolerated', [tainted, pod('web-1')]);

    expect(found?.message).toBe('Node gpu-1 has taint dedicated=gpu:NoSchedule that no workload tolerates');
    expect(found?.remediation).toContain('kubectl taint nodes gpu-1 dedicated=gpu:NoSchedule-');
  });

  it('stays quiet when a live pod template tolerates it', () => {
    const trainer = object('apps/v1', 'Deployment', 'trainer', 'ml', {
      spec: { template: { spec: { containers: [{ name: 'x', image: 'x:1' }], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } } },
    });

    expect(runCheck('node-taint-untolerated', [tainted, pod('web-1'), trainer])).toStrictEqual([]);
  });

  it('stays quiet when a declared pod template tolerates it', () => {
    const template = { spec: { containers: [{ name: 'x', image: 'x:1' }], tolerations: [{ key: 'dedicated', operator: 'Exists' }] } };

    expect(runCheck('node-taint-untolerated', [tainted, pod('web-1')], { declaredPodTemplates: [{ ref: { kind: 'Deployment', namespace: 'ml', name: 'trainer' }, template }] })).toStrictEqual([]);
  });

  it('stays quiet on taints Kubernetes manages and on the control-plane taint', () => {
    const managed = node('cp-1', {
      spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    });

    expect(runCheck('node-taint-untolerated', [managed, pod('web-1')])).toStrictEqual([]);
  });

  it('stays quiet on PreferNoSchedule taints', () => {
    const soft = node('n-1', { spec: { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] } });

    expect(runCheck('node-taint-untolerated', [soft, pod('web-1')])).toStrictEqual([]);
  });

  it('stays quiet when no pod or template is in view (nothing to judge)', () => {
    expect(runCheck('node-taint-untolerated', [tainted])).toStrictEqual([]);
  });

  it('still fires when only node agents tolerating every taint (no key) are in view', () => {
    const agent = (tolerations: Array<Record<string, string>>): ReturnType<typeof object> =>
      object('apps/v1', 'DaemonSet', 'aws-node', 'kube-system', {
        spec: { template: { spec: { containers: [{ name: 'x', image: 'x:1' }], tolerations } } },
      });

    expect(runCheck('node-taint-untolerated', [tainted, agent([{ operator: 'Exists' }])])[0]?.name).toBe('gpu-1');
    expect(runCheck('node-taint-untolerated', [tainted, agent([{ operator: 'Exists', effect: 'NoSchedule' }])])[0]?.name).toBe('gpu-1');
    expect(runCheck('node-taint-untolerated', [tainted, agent([{ operator: 'Exists' }, { key: 'dedicated', operator: 'Exists' }])])).toStrictEqual([]);
  });
});

describe('toleration matching (Kubernetes rules)', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

  it('matches Equal on key, value and effect', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint)).toBe(true);
    expect(tolerates({ key: 'dedicated', value: 'gpu' }, taint)).toBe(true);
    expect(tolerates({ key: 'dedicated', operator: 'Equal', value: 'cpu' }, taint)).toBe(false);
  });

  it('matches Exists on the key whatever the value', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
  });

  it('lets an empty key with Exists tolerate every taint', () => {
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ operator: 'Exists' }, { key: 'x', effect: 'NoExecute' })).toBe(true);
  });

  it('requires the same effect when the toleration names one', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
  });
});
