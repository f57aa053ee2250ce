import { describe, expect, it } from 'vitest';
import { applyExemptions } from '../../../lib/checks/index.ts';
import type { CheckFinding } from '../../../lib/checks/index.ts';
import type { ExemptionConfig } from '../../../lib/config/types.ts';
import { config, NOW, pod, run } from './helpers.ts';

const privileged: CheckFinding = {
  check: 'pod-privileged',
  severity: 'critical',
  kind: 'DaemonSet',
  namespace: 'monitoring',
  name: 'node-exporter',
  message: 'DaemonSet monitoring/node-exporter: container "exporter" is privileged',
};

const exemption: ExemptionConfig = {
  check: 'pod-privileged',
  kind: 'DaemonSet',
  namespace: 'monitoring',
  name: 'node-exporter',
  reason: 'needs host metrics',
  owner: 'team-observability',
  expires: '2027-03-31',
};

describe('applyExemptions', () => {
  it('keeps a matching finding, marked exempted with the reason, owner and expiry', () => {
    expect(applyExemptions([privileged], [exemption], NOW)).toStrictEqual([
      {
        ...privileged,
        exempted: true,
        exemption: {
          source: 'config',
          reason: 'needs host metrics',
          owner: 'team-observability',
          expires: '2027-03-31',
        },
      },
    ]);
  });

  it('matches globs on check, kind, namespace and name', () => {
    const glob = { ...exemption, check: 'pod-*', kind: '*Set', namespace: 'mon*', name: 'node-?xporter' };

    expect(applyExemptions([privileged], [glob], NOW)[0]?.exempted).toBe(true);
  });

  it("globs are the one glob of driftwatch.yaml: * matches a cluster-scoped finding's empty namespace, ? one character, brackets are plain", () => {
    const clusterScoped: CheckFinding = {
      ...privileged,
      check: 'rbac-cluster-admin',
      kind: 'ClusterRoleBinding',
      namespace: undefined,
      name: 'ops/admins',
    };
    const starred = { ...exemption, check: 'rbac-*', kind: 'ClusterRoleBinding', namespace: '*', name: 'ops*' };
    const bracketed = { ...exemption, check: 'rbac-*', kind: 'ClusterRoleBinding', name: '[o]ps/admins' };

    expect(applyExemptions([clusterScoped], [starred], NOW)[0]?.exempted).toBe(true);
    expect(applyExemptions([clusterScoped], [bracketed], NOW)[0]?.exempted).toBeUndefined();
  });

  it('leaves findings of other objects or checks alone', () => {
    const other = { ...privileged, name: 'fluent-bit' };
    const otherCheck = { ...privileged, check: 'pod-host-path' };

    expect(applyExemptions([other, otherCheck], [exemption], NOW).filter((found) => found.exempted)).toStrictEqual([]);
  });

  it('does not match a namespaced exemption to a cluster-scoped finding', () => {
    const node = { check: 'node-cordoned', severity: 'low', kind: 'Node', name: 'n1', message: 'm' } as const;

    expect(
      applyExemptions([node], [{ ...exemption, check: 'node-*', kind: undefined, name: undefined }], NOW)[0]?.exempted,
    ).toBeUndefined();
  });

  it('applies through the whole expiry day (UTC) and stops the day after', () => {
    const lastDay = new Date('2027-03-31T23:59:59Z');
    const dayAfter = new Date('2027-04-01T00:00:00Z');

    expect(applyExemptions([privileged], [exemption], lastDay)[0]?.exempted).toBe(true);
    expect(
      applyExemptions([privileged], [exemption], dayAfter).find((found) => found.check === 'pod-privileged')?.exempted,
    ).toBeUndefined();
  });

  it('reports an expired exemption as exemption-expired, naming its target, owner and date', () => {
    const expired = { ...exemption, expires: '2026-04-30' };

    const findings = applyExemptions([privileged], [expired], NOW);

    expect(findings.map((found) => found.check)).toStrictEqual(['pod-privileged', 'exemption-expired']);
    expect(findings[1]).toMatchObject({
      severity: 'low',
      kind: 'Exemption',
      name: 'pod-privileged DaemonSet monitoring/node-exporter',
    });
    expect(findings[1]?.message).toBe(
      'Exemption for pod-privileged DaemonSet monitoring/node-exporter (owner team-observability) expired on 2026-04-30; the findings it covered are reported again',
    );
    expect(findings[0]?.exempted).toBeUndefined();
  });

  it('honours disable and severity for exemption-expired when given the checks config', () => {
    const expired = { ...exemption, expires: '2026-04-30' };

    expect(applyExemptions([], [expired], NOW, config({ disable: ['exemption-expired'] }))).toStrictEqual([]);
    expect(
      applyExemptions([], [expired], NOW, config({ severity: { 'exemption-expired': 'high' } }))[0]?.severity,
    ).toBe('high');
  });

  it('stays quiet without exemptions', () => {
    expect(applyExemptions([privileged], [], NOW)).toStrictEqual([privileged]);
  });
});

describe('self-exemption annotation driftwatch.io/exempt', () => {
  const annotated = pod('debug', {
    metadata: { annotations: { 'driftwatch.io/exempt': 'pod-privileged, images-*' } },
    spec: { containers: [{ name: 'app', image: 'busybox', securityContext: { privileged: true } }] },
  });

  it('is ignored unless allowSelfExemption is true', () => {
    expect(run([annotated]).filter((found) => found.exempted)).toStrictEqual([]);
  });

  it('exempts the listed checks (globs allowed) on the annotated object when allowed', () => {
    const findings = run([annotated], { config: config({ allowSelfExemption: true }) });

    expect(findings.map((found) => [found.check, found.exempted ?? false])).toStrictEqual([
      ['pod-privileged', true],
      ['images-latest', true],
    ]);
    expect(findings[0]?.exemption).toStrictEqual({
      source: 'annotation',
      reason: 'driftwatch.io/exempt annotation on the object',
    });
  });

  it('exempts a workload finding through the annotation on its pod template', () => {
    const template = {
      metadata: { annotations: { 'driftwatch.io/exempt': 'pod-host-path' } },
      spec: {
        containers: [{ name: 'app', image: 'x:1' }],
        volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }],
      },
    };

    const [found] = run([], {
      declaredPodTemplates: [{ ref: { kind: 'DaemonSet', namespace: 'logging', name: 'fluent-bit' }, template }],
      config: config({ allowSelfExemption: true }),
    });

    expect(found).toMatchObject({ check: 'pod-host-path', exempted: true });
  });
});
