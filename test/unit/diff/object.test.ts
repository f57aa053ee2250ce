import { describe, expect, test } from 'vitest';
import { diffObject } from '../../../lib/diff/object.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import type { DeploymentShape } from './helpers.ts';
import { APPLIED_FIELDS, deployment, entry, withServerDefaults } from './helpers.ts';

const options = { trust: trustPolicy(), ignoreRules: [] };
const APPLIED_AT = '2026-11-01T08:00:00Z';

function live(patch: (object: DeploymentShape) => void = () => {}): KubeObject {
  return deployment((object) => {
    withServerDefaults(object);
    object.metadata.managedFields = [entry('kubectl', 'Apply', APPLIED_AT, APPLIED_FIELDS)];
    patch(object);
  });
}

function changesOf(declared: KubeObject, liveObject: KubeObject): Array<Record<string, unknown>> {
  return diffObject(declared, liveObject, options).changes.map((change) => ({ ...change }));
}

describe('normalization', () => {
  test('server defaults, allocations, status and metadata never count', () => {
    expect(changesOf(deployment(), live())).toEqual([]);
  });

  test('resource quantities compare by amount (0.5 = 500m, 256Mi = 268435456)', () => {
    const liveObject = live((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.resources = { requests: { cpu: '500m', memory: '268435456' } };
    });
    expect(changesOf(deployment(), liveObject)).toEqual([]);
  });

  test('int-or-string fields compare by text (targetPort 8080 = "8080")', () => {
    const declared = deployment((object) => {
      object.spec['strategy'] = { rollingUpdate: { maxSurge: 1 } };
    });
    const liveObject = live((object) => {
      object.spec['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '25%' } };
    });
    expect(changesOf(declared, liveObject)).toEqual([]);
  });

  test('an empty map, empty list or null declared equals an absent live value', () => {
    const declared = deployment((object) => {
      object.spec.template.spec['tolerations'] = [];
      object.spec.template.spec['nodeSelector'] = {};
      object.spec.template.spec['affinity'] = null;
    });
    expect(changesOf(declared, live())).toEqual([]);
  });

  test('a quantity that really differs is drift', () => {
    const liveObject = live((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.resources = { requests: { cpu: '600m', memory: '256Mi' } };
    });
    expect(changesOf(deployment(), liveObject)).toMatchObject([
      { path: '/spec/template/spec/containers/name=web/resources/requests/cpu', reason: 'differs', declared: '0.5', live: '600m' },
    ]);
  });
});

describe('lists by merge key', () => {
  test('containers and env match by name whatever the order', () => {
    const declared = deployment((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.env = [{ name: 'A', value: '1' }, { name: 'B', value: '2' }];
      object.spec.template.spec.containers.push({ name: 'sidecar', image: 'proxy:1' });
    });
    const liveObject = live((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.env = [{ name: 'B', value: '2' }, { name: 'A', value: '1' }];
      object.spec.template.spec.containers.unshift({ name: 'sidecar', image: 'proxy:1' });
    });
    expect(changesOf(declared, liveObject)).toEqual([]);
  });

  test('container ports are keyed by containerPort and protocol, TCP by default', () => {
    const declared = deployment((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.ports = [{ containerPort: 8080, name: 'http' }, { containerPort: 8080, protocol: 'UDP', name: 'quic' }];
    });
    expect(changesOf(declared, live())).toMatchObject([
      { path: '/spec/template/spec/containers/name=web/ports/containerPort=8080,protocol=UDP', reason: 'absent-live' },
    ]);
  });

  test('a key default (protocol TCP) only helps matching: a live port without protocol is not drift', () => {
    const liveObject = live((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.ports = [{ containerPort: 8080, name: 'http' }];
    });
    expect(changesOf(deployment(), liveObject)).toEqual([]);
  });

  test('atomic lists (RoleBinding subjects) compare whole', () => {
    const binding = (subjects: unknown[]): KubeObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
      subjects,
    });
    const declared = binding([{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }]);
    const liveObject = binding([
      { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
      { kind: 'User', name: 'mallory', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(changesOf(declared, liveObject)).toMatchObject([{ path: '/subjects', reason: 'differs' }]);
  });

  test('a path segment escapes "/" in keys (RFC 6901)', () => {
    const liveObject = live((object) => {
      object.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-11-20T10:00:00Z' };
      object.metadata.managedFields?.push(
        entry('kubectl-rollout', 'Update', '2026-11-20T10:00:00Z', {
          'f:spec': { 'f:template': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/restartedAt': {} } } } },
        }),
      );
    });
    expect(changesOf(deployment(), liveObject)).toMatchObject([
      { path: '/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt', reason: 'live-only', manager: 'kubectl-rollout' },
    ]);
  });
});

describe('attribution from managedFields', () => {
  test('a changed image names the manager and time of the write (kubectl set image)', () => {
    const liveObject = live((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.image = 'web:1.1-hotfix';
      object.metadata.managedFields = [
        entry('kubectl', 'Apply', APPLIED_AT, APPLIED_FIELDS),
        entry('kubectl-set', 'Update', '2026-11-20T10:02:11Z', {
          'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } },
        }),
      ];
    });
    expect(changesOf(deployment(), liveObject)).toEqual([
      {
        path: '/spec/template/spec/containers/name=web/image',
        reason: 'differs',
        declared: 'web:1.0',
        live: 'web:1.1-hotfix',
        manager: 'kubectl-set',
        operation: 'Update',
        time: '2026-11-20T10:02:11Z',
      },
    ]);
  });

  test('kubectl scale is a hand-made change although the manager is "kubectl" (scale subresource)', () => {
    const liveObject = live((object) => {
      object.spec.replicas = 6;
      object.metadata.managedFields?.push(entry('kubectl', 'Update', '2026-11-21T09:00:00Z', { 'f:spec': { 'f:replicas': {} } }, 'scale'));
    });
    expect(changesOf(deployment(), liveObject)).toMatchObject([
      { path: '/spec/replicas', declared: 3, live: 6, manager: 'kubectl', operation: 'Update', subresource: 'scale' },
    ]);
  });

  test('an env var added with kubectl edit is drift, attributed to kubectl-edit', () => {
    const liveObject = live((object) => {
      object.spec.template.spec.containers[0]?.env?.push({ name: 'DEBUG', value: 'true' });
      object.metadata.managedFields?.push(
        entry('kubectl-edit', 'Update', '2026-11-20T10:05:00Z', {
          'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:env': { 'k:{"name":"DEBUG"}': { '.': {}, 'f:name': {}, 'f:value': {} } } } } } } },
        }),
      );
    });
    expect(changesOf(deployment(), liveObject)).toMatchObject([
      { path: '/spec/template/spec/containers/name=web/env/name=DEBUG', reason: 'live-only', live: { name: 'DEBUG', value: 'true' }, manager: 'kubectl-edit' },
    ]);
  });

  test('a field added by a mutating webhook belongs to no manager and is not drift', () => {
    const liveObject = live((object) => {
      object.spec.template.spec.containers.push({ name: 'istio-proxy', image: 'proxy:1.24' });
    });
    expect(changesOf(deployment(), liveObject)).toEqual([]);
  });

  test('a field the server-side applier set earlier and Git no longer declares is drift (applying would remove it)', () => {
    const declared = deployment((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) delete container.env;
    });
    expect(changesOf(declared, live())).toMatchObject([
      { path: '/spec/template/spec/containers/name=web/env/name=LOG_LEVEL', reason: 'removed-from-git', manager: 'kubectl', operation: 'Apply' },
    ]);
  });

  test('a field in the last-applied annotation that Git no longer declares is drift (client-side apply)', () => {
    const declared = deployment((object) => {
      object.metadata['labels'] = { app: 'web' };
    });
    const liveObject = live((object) => {
      object.metadata['labels'] = { app: 'web', tier: 'frontend' };
      object.metadata.managedFields = [];
      object.metadata.annotations = {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ metadata: { labels: { app: 'web', tier: 'frontend' } } }),
      };
    });
    expect(changesOf(declared, liveObject)).toMatchObject([{ path: '/metadata/labels/tier', reason: 'removed-from-git', live: 'frontend' }]);
  });

  test('applier bookkeeping labels are not drift', () => {
    const liveObject = live((object) => {
      object.metadata['labels'] = { 'app.kubernetes.io/instance': 'shop', 'kustomize.toolkit.fluxcd.io/name': 'apps' };
      object.metadata.managedFields?.push(
        entry('kustomize-controller', 'Apply', APPLIED_AT, { 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {}, 'f:kustomize.toolkit.fluxcd.io/name': {} } } }),
      );
    });
    expect(changesOf(deployment(), liveObject)).toEqual([]);
  });

  test('defaults owned by a creating manager (kubectl create) are not hand-made changes', () => {
    const liveObject = live((object) => {
      object.metadata.managedFields = [
        entry('kubectl-create', 'Update', APPLIED_AT, {
          'f:spec': { 'f:progressDeadlineSeconds': {}, 'f:revisionHistoryLimit': {}, 'f:strategy': { 'f:type': {}, 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} } } },
        }),
      ];
    });
    expect(changesOf(deployment(), liveObject)).toEqual([]);
  });

  test('an object without managedFields is compared, and says attribution had no data', () => {
    const liveObject = live((object) => {
      delete object.metadata.managedFields;
      object.spec.replicas = 5;
    });
    const diff = diffObject(deployment(), liveObject, options);
    expect(diff.attributed).toBe(false);
    expect(diff.changes).toMatchObject([{ path: '/spec/replicas', declared: 3, live: 5 }]);
    expect(diff.changes[0]?.manager).toBeUndefined();
  });

  test('configured trusted managers are not reported for live-only fields', () => {
    const liveObject = live((object) => {
      object.spec.template.spec['priorityClassName'] = 'high';
      object.metadata.managedFields?.push(entry('platform-operator', 'Update', APPLIED_AT, { 'f:spec': { 'f:template': { 'f:spec': { 'f:priorityClassName': {} } } } }));
    });
    expect(changesOf(deployment(), liveObject)).toHaveLength(1);
    const trusting = diffObject(deployment(), liveObject, { trust: trustPolicy([{ manager: 'platform-*' }]), ignoreRules: [] });
    expect(trusting.changes).toEqual([]);
  });
});

describe('ignore rules', () => {
  test('a path rule with a wildcard segment leaves matching fields out', () => {
    const liveObject = live((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.image = 'web:2.0';
    });
    const diff = diffObject(deployment(), liveObject, {
      trust: trustPolicy(),
      ignoreRules: [{ kind: 'Deployment', paths: ['/spec/template/spec/containers/*/image'] }],
    });
    expect(diff.changes).toEqual([]);
  });

  test('a rule for another object does not apply', () => {
    const liveObject = live((object) => {
      object.spec.replicas = 1;
    });
    const diff = diffObject(deployment(), liveObject, { trust: trustPolicy(), ignoreRules: [{ name: 'api', paths: ['/spec/replicas'] }] });
    expect(diff.changes).toHaveLength(1);
  });
});
