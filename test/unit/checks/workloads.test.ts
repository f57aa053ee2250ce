import { describe, expect, it } from 'vitest';
import { object, runCheck } from './helpers.ts';

function deployment(available: number, revision?: string): ReturnType<typeof object> {
  return object('apps/v1', 'Deployment', 'web', 'shop', {
    metadata: revision === undefined ? {} : { annotations: { 'deployment.kubernetes.io/revision': revision } },
    spec: { replicas: 3 },
    status: { replicas: 3, ...(available > 0 && { availableReplicas: available }) },
  });
}

describe('workload-unavailable', () => {
  it('fires on a Deployment below its desired replicas, with rollout status and undo to the previous revision', () => {
    const [found] = runCheck('workload-unavailable', [deployment(1, '7')]);

    expect(found).toMatchObject({ severity: 'high', kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(found?.message).toBe('Deployment shop/web has 1/3 replicas available');
    expect(found?.remediation).toBe(
      'kubectl rollout status deploy/web -n shop; if the latest rollout broke it: kubectl rollout undo deploy/web -n shop --to-revision 6',
    );
  });

  it('reads an omitted availableReplicas as 0', () => {
    expect(runCheck('workload-unavailable', [deployment(0)])[0]?.message).toContain('0/3');
  });

  it('suggests no undo at revision 1', () => {
    expect(runCheck('workload-unavailable', [deployment(2, '1')])[0]?.remediation).toBe('kubectl rollout status deploy/web -n shop');
  });

  it('stays quiet on a fully available twin', () => {
    expect(runCheck('workload-unavailable', [deployment(3, '7')])).toStrictEqual([]);
  });

  it('stays quiet on an object without status (as declared in Git)', () => {
    expect(runCheck('workload-unavailable', [object('apps/v1', 'Deployment', 'web', 'shop', { spec: { replicas: 3 } })])).toStrictEqual([]);
  });

  it('stays quiet on the defaults the API server serves before any controller wrote a status, and fires once one did', () => {
    const neverObserved = [
      object('apps/v1', 'Deployment', 'web', 'shop', { spec: { replicas: 3 }, status: {} }),
      object('apps/v1', 'StatefulSet', 'db', 'shop', { spec: { replicas: 2 }, status: { replicas: 0, availableReplicas: 0 } }),
    ];
    const observedEmpty = object('apps/v1', 'Deployment', 'web', 'shop', { spec: { replicas: 3 }, status: { observedGeneration: 1 } });

    expect(runCheck('workload-unavailable', neverObserved)).toStrictEqual([]);
    expect(runCheck('workload-unavailable', [observedEmpty])[0]?.message).toBe('Deployment shop/web has 0/3 replicas available');
  });

  it('fires on a StatefulSet with fewer ready replicas, and stays quiet when all are ready', () => {
    const statefulSet = (ready: number): ReturnType<typeof object> =>
      object('apps/v1', 'StatefulSet', 'db', 'shop', { spec: { replicas: 3 }, status: { readyReplicas: ready } });

    expect(runCheck('workload-unavailable', [statefulSet(2)])[0]?.remediation).toBe('kubectl rollout status statefulset/db -n shop');
    expect(runCheck('workload-unavailable', [statefulSet(3)])).toStrictEqual([]);
  });

  it('fires on a DaemonSet with fewer available pods than scheduled, and stays quiet when all are available', () => {
    const daemonSet = (available: number): ReturnType<typeof object> =>
      object('apps/v1', 'DaemonSet', 'agent', 'monitoring', { status: { desiredNumberScheduled: 4, numberAvailable: available } });

    expect(runCheck('workload-unavailable', [daemonSet(3)])[0]?.message).toBe('DaemonSet monitoring/agent has 3/4 replicas available');
    expect(runCheck('workload-unavailable', [daemonSet(4)])).toStrictEqual([]);
  });
});
