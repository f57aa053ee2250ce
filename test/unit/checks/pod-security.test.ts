import { describe, expect, it } from 'vitest';
import type { DeclaredPodTemplate } from '../../../lib/checks/index.ts';
import { declaredPodTemplates } from '../../../lib/checks/index.ts';
import { object, pod, runCheck } from './helpers.ts';

type Spec = Record<string, unknown>;

const HEALTHY: Spec = { containers: [{ name: 'app', image: 'shop/web:1.4.2', securityContext: { allowPrivilegeEscalation: false } }] };

function declared(spec: Spec, kind = 'Deployment', name = 'web'): DeclaredPodTemplate[] {
  return [{ ref: { kind, namespace: 'shop', name }, template: { metadata: { labels: { app: name } }, spec } }];
}

function withContainer(container: Spec, podFields: Spec = {}): Spec {
  return { ...podFields, containers: [{ name: 'app', image: 'shop/web:1.4.2', ...container }] };
}

describe('pod security checks on declared pod templates', () => {
  it('pod-privileged fires on a privileged container and stays quiet on the healthy twin', () => {
    const [found] = runCheck('pod-privileged', [], { declaredPodTemplates: declared(withContainer({ securityContext: { privileged: true } })) });

    expect(found).toMatchObject({ severity: 'critical', kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(found?.message).toBe('Deployment shop/web: container "app" is privileged (declared in Git)');
    expect(found?.remediation).toContain('kubectl get deployment web -n shop -o yaml');
    expect(runCheck('pod-privileged', [], { declaredPodTemplates: declared(HEALTHY) })).toStrictEqual([]);
  });

  it('pod-host-namespaces fires on hostPID/hostNetwork/hostIPC and stays quiet on the healthy twin', () => {
    const [found] = runCheck('pod-host-namespaces', [], { declaredPodTemplates: declared(withContainer({}, { hostPID: true, hostNetwork: true })) });

    expect(found?.message).toBe('Deployment shop/web: hostNetwork: true; hostPID: true (declared in Git)');
    expect(runCheck('pod-host-namespaces', [], { declaredPodTemplates: declared(HEALTHY) })).toStrictEqual([]);
  });

  it('pod-privilege-escalation fires on an explicit allowPrivilegeEscalation: true and stays quiet on false', () => {
    const escalating = declared(withContainer({ securityContext: { allowPrivilegeEscalation: true } }));

    expect(runCheck('pod-privilege-escalation', [], { declaredPodTemplates: escalating })[0]?.severity).toBe('medium');
    expect(runCheck('pod-privilege-escalation', [], { declaredPodTemplates: declared(HEALTHY) })).toStrictEqual([]);
  });

  it('pod-dangerous-capabilities fires on SYS_ADMIN (any spelling) and stays quiet on harmless additions', () => {
    const dangerous = declared(withContainer({ securityContext: { capabilities: { add: ['cap_sys_admin', 'CHOWN'] } } }));
    const harmless = declared(withContainer({ securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'NET_RAW'] } } }));

    expect(runCheck('pod-dangerous-capabilities', [], { declaredPodTemplates: dangerous })[0]?.message).toContain('container "app" adds SYS_ADMIN');
    expect(runCheck('pod-dangerous-capabilities', [], { declaredPodTemplates: harmless })).toStrictEqual([]);
  });

  it('pod-host-path fires on a hostPath volume and stays quiet on emptyDir', () => {
    const hostPath = declared({ ...HEALTHY, volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] });
    const emptyDir = declared({ ...HEALTHY, volumes: [{ name: 'tmp', emptyDir: {} }] });

    expect(runCheck('pod-host-path', [], { declaredPodTemplates: hostPath })[0]?.message).toContain('volume "docker" mounts hostPath /var/run/docker.sock');
    expect(runCheck('pod-host-path', [], { declaredPodTemplates: emptyDir })).toStrictEqual([]);
  });

  it('checks init containers as well', () => {
    const spec = { ...HEALTHY, initContainers: [{ name: 'setup', image: 'busybox:1.36', securityContext: { privileged: true } }] };

    expect(runCheck('pod-privileged', [], { declaredPodTemplates: declared(spec) })[0]?.message).toContain('container "setup"');
  });

  it('finds the pod spec of every declared workload shape: CronJob, Deployment, bare Pod', () => {
    const privileged = withContainer({ securityContext: { privileged: true } });
    const objects = [
      object('batch/v1', 'CronJob', 'backup', 'shop', { spec: { jobTemplate: { spec: { template: { spec: privileged } } } } }),
      object('apps/v1', 'Deployment', 'web', 'shop', { spec: { template: { spec: privileged } } }),
      object('v1', 'Pod', 'debug', 'shop', { spec: privileged }),
      object('v1', 'ConfigMap', 'cfg', 'shop', { data: { containers: 'not a pod' } }),
    ];

    const findings = runCheck('pod-privileged', [], { declaredPodTemplates: declaredPodTemplates(objects) });

    expect(findings.map((found) => `${found.kind}/${found.name}`)).toStrictEqual(['CronJob/backup', 'Pod/debug', 'Deployment/web']);
  });
});

describe('pod security checks on live pods', () => {
  const privilegedSpec = withContainer({ securityContext: { privileged: true } });
  const replica = (name: string, owner: Spec, labels: Record<string, string> = {}): ReturnType<typeof pod> =>
    pod(name, { metadata: { labels, ownerReferences: [{ ...owner, controller: true }] }, spec: privilegedSpec }, 'monitoring');

  it('reports a DaemonSet\'s pods once, naming an example pod and the count', () => {
    const owner = { kind: 'DaemonSet', name: 'node-exporter', uid: 'ds-1' };

    const findings = runCheck('pod-privileged', [replica('node-exporter-b', owner), replica('node-exporter-a', owner), replica('node-exporter-c', owner)]);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' });
    expect(findings[0]?.message).toBe('DaemonSet monitoring/node-exporter: container "app" is privileged (3 running pods, e.g. node-exporter-a)');
    expect(findings[0]?.evidence).toMatchObject({ pods: 3, examplePod: 'node-exporter-a', declared: false });
  });

  it('reports ReplicaSet pods on their Deployment, through the listed ReplicaSet or the pod-template-hash', () => {
    const listedReplicaSet = object('apps/v1', 'ReplicaSet', 'api-5f6d', 'monitoring', {
      metadata: { uid: 'rs-1', ownerReferences: [{ kind: 'Deployment', name: 'api', controller: true }] },
    });
    const pods = [
      replica('api-5f6d-x', { kind: 'ReplicaSet', name: 'api-5f6d', uid: 'rs-1' }),
      replica('web-7d9c-y', { kind: 'ReplicaSet', name: 'web-7d9c' }, { 'pod-template-hash': '7d9c' }),
    ];

    const findings = runCheck('pod-privileged', [listedReplicaSet, ...pods]);

    expect(findings.map((found) => `${found.kind}/${found.name}`)).toStrictEqual(['Deployment/api', 'Deployment/web']);
  });

  it('merges a workload seen in Git and live into one finding', () => {
    const owner = { kind: 'DaemonSet', name: 'node-exporter', uid: 'ds-1' };
    const template = [{ ref: { kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' }, template: { spec: privilegedSpec } }];

    const findings = runCheck('pod-privileged', [replica('node-exporter-a', owner)], { declaredPodTemplates: template });

    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('(declared in Git; 1 running pod, e.g. node-exporter-a)');
  });

  it('reports a bare pod on itself', () => {
    const [found] = runCheck('pod-privileged', [pod('debug', { spec: privilegedSpec })]);

    expect(found?.message).toBe('Pod shop/debug: container "app" is privileged');
  });

  it('stays quiet on healthy live pods', () => {
    expect(runCheck('pod-privileged', [pod('web-1', { spec: HEALTHY })])).toStrictEqual([]);
  });
});
