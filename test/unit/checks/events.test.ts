import { describe, expect, it } from 'vitest';
import { ago, config, NOW, podRef, runCheck, warningEvent } from './helpers.ts';

const replicaSet = { kind: 'ReplicaSet', name: 'web-7d9c', namespace: 'shop' };

describe('event-admission-denied', () => {
  it('fires on a FailedCreate whose message names an admission webhook, not as event-failed-create', () => {
    const event = warningEvent('e1', {
      reason: 'FailedCreate',
      involvedObject: replicaSet,
      count: 7,
      message: 'Error creating: admission webhook "validate.kyverno.svc" denied the request: privileged containers are not allowed',
    });

    const [found] = runCheck('event-admission-denied', [event]);

    expect(found).toMatchObject({ severity: 'high', kind: 'ReplicaSet', namespace: 'shop', name: 'web-7d9c' });
    expect(found?.message).toContain('7 admission webhook denials');
    expect(found?.message).toContain('privileged containers are not allowed');
    expect(found?.remediation).toContain('kubectl describe replicaset web-7d9c -n shop');
    expect(runCheck('event-failed-create', [event])).toStrictEqual([]);
  });

  it('stays quiet on a FailedCreate about something else, which is event-failed-create', () => {
    const event = warningEvent('e1', { reason: 'FailedCreate', involvedObject: replicaSet, message: 'exceeded quota: compute' });

    expect(runCheck('event-admission-denied', [event])).toStrictEqual([]);
    expect(runCheck('event-failed-create', [event])[0]?.message).toContain('exceeded quota');
  });
});

describe('warning events grouped per object and reason', () => {
  it('sums the counts of the events about one object into one finding with the latest message', () => {
    const events = [
      warningEvent('e1', { reason: 'FailedMount', involvedObject: podRef('web-1'), count: 3, message: 'old', lastTimestamp: ago(30) }),
      warningEvent('e2', { reason: 'FailedMount', involvedObject: podRef('web-1'), count: 4, message: 'MountVolume.SetUp failed: configmap "cfg" not found', lastTimestamp: ago(2) }),
    ];

    const findings = runCheck('event-failed-mount', events);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('7 FailedMount warnings');
    expect(findings[0]?.message).toContain('configmap "cfg" not found');
    expect(findings[0]?.evidence).toMatchObject({ count: 7, reason: 'FailedMount' });
  });

  it('keeps separate findings for separate objects', () => {
    const events = ['web-1', 'web-2'].map((name) => warningEvent(`e-${name}`, { reason: 'BackOff', involvedObject: podRef(name), message: 'Back-off restarting failed container' }));

    expect(runCheck('event-backoff', events).map((found) => found.name)).toStrictEqual(['web-1', 'web-2']);
  });

  it('fires on FailedScheduling warnings', () => {
    const event = warningEvent('e1', { reason: 'FailedScheduling', involvedObject: podRef('web-1'), message: '0/3 nodes are available' });

    expect(runCheck('event-failed-scheduling', [event])).toHaveLength(1);
  });

  it('stays quiet on Normal events with the same reason', () => {
    const event = warningEvent('e1', { type: 'Normal', reason: 'BackOff', involvedObject: podRef('web-1') });

    expect(runCheck('event-backoff', [event])).toStrictEqual([]);
  });
});

describe('events window', () => {
  const backOff = (lastTimestamp: string): ReturnType<typeof warningEvent> =>
    warningEvent('e1', { reason: 'BackOff', involvedObject: podRef('web-1'), lastTimestamp });

  it('stays quiet on events older than one hour by default', () => {
    expect(runCheck('event-backoff', [backOff(ago(61))])).toStrictEqual([]);
    expect(runCheck('event-backoff', [backOff(ago(59))])).toHaveLength(1);
  });

  it('starts at the previous run when that is more recent', () => {
    const since = new Date(NOW.getTime() - 10 * 60_000);

    expect(runCheck('event-backoff', [backOff(ago(15))], { since })).toStrictEqual([]);
    expect(runCheck('event-backoff', [backOff(ago(5))], { since })).toHaveLength(1);
  });

  it('follows a configured window', () => {
    expect(runCheck('event-backoff', [backOff(ago(90))], { config: config({ events: { windowMinutes: 120 } }) })).toHaveLength(1);
  });

  it('places an event by the latest of its timestamps and counts a series by series.count', () => {
    const event = warningEvent('e1', {
      reason: 'BackOff',
      involvedObject: podRef('web-1'),
      count: undefined,
      lastTimestamp: null,
      eventTime: ago(300),
      series: { count: 9, lastObservedTime: ago(3) },
    });

    expect(runCheck('event-backoff', [event])[0]?.evidence).toMatchObject({ count: 9 });
  });

  it('counts an event listed through both Event APIs once', () => {
    const core = warningEvent('e1', { metadata: { uid: 'u-1' }, reason: 'BackOff', involvedObject: podRef('web-1'), count: 2 });
    const copy = { ...core, apiVersion: 'events.k8s.io/v1' };

    expect(runCheck('event-backoff', [core, copy])[0]?.evidence).toMatchObject({ count: 2 });
  });
});
