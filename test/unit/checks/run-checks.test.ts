import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS, CHECK_KINDS, CHECKS } from '../../../lib/checks/index.ts';
import { at } from '../../../lib/checks/fields.ts';
import { configSchema } from '../../../lib/config/load.ts';
import { isPlainObject } from '../../../lib/kube/object.ts';
import { config, node, object, pod, run, waitingStatus } from './helpers.ts';

const README = new URL('../../../lib/checks/README.md', import.meta.url);

const crashing = pod('web-1', { status: waitingStatus('CrashLoopBackOff', { restartCount: 9 }) });
const cordoned = node('node-1', { spec: { unschedulable: true } });
const notReady = node('node-2', { status: { conditions: [{ type: 'Ready', status: 'False' }] } });

describe('runChecks', () => {
  it('sorts findings by severity, check, namespace and name', () => {
    const findings = run([cordoned, crashing, notReady, pod('api-1', { status: waitingStatus('CrashLoopBackOff') }, 'api')]);

    expect(findings.map((found) => `${found.severity} ${found.check} ${found.namespace ?? '-'}/${found.name}`)).toStrictEqual([
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
    const healthyDeployment = object('apps/v1', 'Deployment', 'web', 'shop', { spec: { replicas: 2 }, status: { availableReplicas: 2 } });

    expect(run([node('node-1'), pod('web-1'), healthyDeployment])).toStrictEqual([]);
  });
});

describe('check catalogue', () => {
  it('lists every check id with its default severity in lib/checks/README.md', async () => {
    const readme = await readFile(README, 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| (\w+) \|/gm)].map(([, id, severity]) => [id, severity]);

    expect(rows).toStrictEqual(CHECK_IDS.map((id) => [id, CHECKS[id].severity]));
  });

  it('offers exactly the check ids as severity keys in the config schema', () => {
    const severity = at(configSchema, 'properties', 'checks', 'properties', 'severity', 'properties');

    expect(Object.keys(isPlainObject(severity) ? severity : {})).toStrictEqual([...CHECK_IDS]);
  });

  it('uses stable kebab-case ids', () => {
    for (const id of CHECK_IDS) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('asks for the kinds every check reads', () => {
    const kinds = CHECK_KINDS.map(({ group, kind }) => `${group}/${kind}`);

    expect(kinds).toEqual(
      expect.arrayContaining([
        '/Pod',
        '/Node',
        '/Event',
        'certificates.k8s.io/CertificateSigningRequest',
        'rbac.authorization.k8s.io/ClusterRoleBinding',
        'rbac.authorization.k8s.io/RoleBinding',
        'rbac.authorization.k8s.io/ClusterRole',
        'rbac.authorization.k8s.io/Role',
        'apps/DaemonSet',
        'apps/Deployment',
        'apps/StatefulSet',
      ]),
    );
  });
});
