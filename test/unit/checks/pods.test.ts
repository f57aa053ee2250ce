import { describe, expect, it } from 'vitest';
import { ago, config, object, pod, podRef, runCheck, waitingStatus, warningEvent } from './helpers.ts';

describe('pod-image-pull', () => {
  it('fires on a container waiting in ImagePullBackOff, naming the image and the describe command', () => {
    const [found, ...rest] = runCheck('pod-image-pull', [pod('web-1', { status: waitingStatus('ImagePullBackOff') })]);

    expect(rest).toHaveLength(0);
    expect(found).toMatchObject({ severity: 'high', kind: 'Pod', namespace: 'shop', name: 'web-1' });
    expect(found?.message).toContain('cannot pull image "shop/web:1.4.2"');
    expect(found?.message).toContain('ImagePullBackOff');
    expect(found?.remediation).toContain('kubectl describe pod web-1 -n shop');
    expect(found?.remediation).toContain('imagePullSecrets');
  });

  it('fires on ErrImagePull too', () => {
    expect(runCheck('pod-image-pull', [pod('web-1', { status: waitingStatus('ErrImagePull') })])).toHaveLength(1);
  });

  it('stays quiet on a running twin', () => {
    expect(runCheck('pod-image-pull', [pod('web-1')])).toStrictEqual([]);
  });

  it('also reads init container statuses', () => {
    const status = { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', image: 'm:1', state: { waiting: { reason: 'ErrImagePull' } } }] };

    expect(runCheck('pod-image-pull', [pod('web-1', { status })])[0]?.message).toContain('container "migrate"');
  });
});

describe('pod-crash-loop', () => {
  it('fires on CrashLoopBackOff with the logs --previous command for that container and the last exit', () => {
    const status = waitingStatus('CrashLoopBackOff', { restartCount: 14, lastState: { terminated: { reason: 'Error', exitCode: 1 } } });

    const [found] = runCheck('pod-crash-loop', [pod('web-1', { status })]);

    expect(found?.remediation).toBe('kubectl logs web-1 -n shop -c app --previous');
    expect(found?.message).toContain('after 14 restarts');
    expect(found?.message).toContain('last exit: Error, exit code 1');
  });

  it('stays quiet on a running twin', () => {
    expect(runCheck('pod-crash-loop', [pod('web-1')])).toStrictEqual([]);
  });
});

describe('pod-config-error', () => {
  it('fires on CreateContainerConfigError with the waiting message', () => {
    const status = { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db-creds" not found' } } }] };

    const [found] = runCheck('pod-config-error', [pod('web-1', { status })]);

    expect(found?.message).toContain('secret "db-creds" not found');
    expect(found?.remediation).toContain('kubectl get configmap,secret -n shop');
  });

  it('stays quiet on a running twin', () => {
    expect(runCheck('pod-config-error', [pod('web-1')])).toStrictEqual([]);
  });
});

describe('pod-restarts', () => {
  const restarted = (restartCount: number): ReturnType<typeof pod> =>
    pod('web-1', { status: { phase: 'Running', containerStatuses: [{ name: 'app', restartCount, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] } });

  it('fires above the default threshold of 5, with the last exit reason', () => {
    const [found] = runCheck('pod-restarts', [restarted(6)]);

    expect(found).toMatchObject({ severity: 'medium', name: 'web-1' });
    expect(found?.message).toContain('restarted 6 times (last exit: OOMKilled, exit code 137)');
    expect(found?.remediation).toContain('kubectl logs web-1 -n shop -c app --previous');
  });

  it('stays quiet at the threshold', () => {
    expect(runCheck('pod-restarts', [restarted(5)])).toStrictEqual([]);
  });

  it('follows a configured threshold', () => {
    expect(runCheck('pod-restarts', [restarted(3)], { config: config({ podRestarts: { threshold: 2 } }) })).toHaveLength(1);
  });

  it('leaves a crash-looping container to pod-crash-loop', () => {
    const status = waitingStatus('CrashLoopBackOff', { restartCount: 40 });

    expect(runCheck('pod-restarts', [pod('web-1', { status })])).toStrictEqual([]);
  });
});

describe('pod-pending', () => {
  const pending = (minutes: number): ReturnType<typeof pod> =>
    pod('web-1', { metadata: { creationTimestamp: ago(minutes) }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } });

  it('fires after 10 minutes with the FailedScheduling reason from the pod\'s latest event', () => {
    const events = [
      warningEvent('e-old', { reason: 'FailedScheduling', involvedObject: podRef('web-1'), message: '0/3 nodes: old', lastTimestamp: ago(20) }),
      warningEvent('e-new', { reason: 'FailedScheduling', involvedObject: podRef('web-1'), message: '0/3 nodes are available: 3 Insufficient cpu.', lastTimestamp: ago(1) }),
      warningEvent('e-other', { reason: 'FailedScheduling', involvedObject: podRef('web-2'), message: 'other pod', lastTimestamp: ago(0) }),
    ];

    const [found] = runCheck('pod-pending', [pending(25), ...events]);

    expect(found?.message).toBe('Pod shop/web-1 has been Pending for 25 min (threshold 10 min): FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.');
    expect(found?.remediation).toContain('kubectl describe pod web-1 -n shop');
  });

  it('falls back to the PodScheduled condition when there is no event', () => {
    expect(runCheck('pod-pending', [pending(25)])[0]?.message).toContain(': Unschedulable');
  });

  it('stays quiet on a pod pending for less than the threshold', () => {
    expect(runCheck('pod-pending', [pending(9)])).toStrictEqual([]);
  });

  it('stays quiet when a stuck container already explains the Pending phase', () => {
    const stuck = pod('web-1', { metadata: { creationTimestamp: ago(60) }, status: waitingStatus('ImagePullBackOff') });

    expect(runCheck('pod-pending', [stuck])).toStrictEqual([]);
  });

  it('follows a configured threshold', () => {
    expect(runCheck('pod-pending', [pending(5)], { config: config({ podPending: { minutes: 2 } }) })).toHaveLength(1);
  });

  it('reads events of the events.k8s.io API (regarding/note)', () => {
    const event = object('events.k8s.io/v1', 'Event', 'e1', 'shop', {
      type: 'Warning',
      reason: 'FailedScheduling',
      regarding: podRef('web-1'),
      note: 'node(s) had untolerated taint',
      eventTime: ago(1),
    });

    expect(runCheck('pod-pending', [pending(25), event])[0]?.message).toContain('node(s) had untolerated taint');
  });
});
