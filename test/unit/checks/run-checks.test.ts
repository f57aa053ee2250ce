import { describe, expect, it } from 'vitest';
import { config, node, object, pod, run, waitingStatus } from './helpers.ts';

const crashing = pod('web-1', { status: waitingStatus('CrashLoopBackOff', { restartCount: 9 }) });
const cordoned = node('node-1', { spec: { unschedulable: true } });
const notReady = node('node-2', { status: { conditions: [{ type: 'Ready', status: 'False' }] } });

describe('runChecks', () => {
  it('sorts findings by severity, check, namespace and name', () => {
    const findings = run([
      cordoned,
      crashing,
      notReady,
      pod('api-1', { status: waitingStatus('CrashLoopBackOff') }, 'api'),
    ]);

    expect(
      findings.map((found) => `${found.severity} ${found.check} ${found.namespace ?? '-'}/${found.name}`),
    ).toStrictEqual([
      'critical node-not-ready -/node-2',
      'high pod-crash-loop api/api-1',
      'high pod-crash-loop shop/web-1',
      'low node-cordoned -/node-1',
    ]);
  });

  it('gives the same output for the same input in any object order', () => {
    const objects = [cordoned, crashing, notReady];

    expect(run([...objects].reverse())).toStrictEqual(run(objects));
  });

  it('switches every check off with enabled: false', () => {
    expect(run([cordoned, crashing, notReady], { config: config({ enabled: false }) })).toStrictEqual([]);
  });

  it('switches off the checks listed in disable only', () => {
    const findings = run([cordoned, crashing], { config: config({ disable: ['node-cordoned'] }) });

    expect(findings.map((found) => found.check)).toStrictEqual(['pod-crash-loop']);
  });

  it('applies per-check severity overrides', () => {
    const [found] = run([cordoned], { config: config({ severity: { 'node-cordoned': 'high' } }) });

    expect(found?.severity).toBe('high');
  });

  it('gives every finding a message naming the object and a remediation', () => {
    const findings = run([cordoned, crashing, notReady]);

    for (const found of findings) {
      expect(found.message).toContain(found.name);
      expect(found.remediation).toMatch(/kubectl /);
    }
  });

  it('stays quiet on a healthy cluster', () => {
    const healthyDeployment = object('apps/v1', 'Deployment', 'web', 'shop', {
      spec: { replicas: 2 },
      status: { availableReplicas: 2 },
    });

    expect(run([node('node-1'), pod('web-1'), healthyDeployment])).toStrictEqual([]);
  });
});
