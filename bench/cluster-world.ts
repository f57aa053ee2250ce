/**
 * The declared objects of bench/cluster.ts and the drift it seeds with kubectl: N objects, a third each Deployments,
 * Services and ConfigMaps, spread over four namespaces, one multi-document file per namespace and kind.
 */
import type { KubeWorld } from '../test/world/kube.ts';
import { expectedKey } from './snapshot-world.ts';
import type { ExpectedDrift } from './snapshot-world.ts';

export interface ClusterBenchWorld {
  objects: number;
  namespaces: string[];
  /** The types as `kubectl get` names them. */
  resources: string[];
  files: Array<{ name: string; text: string }>;
}

const NAMESPACES = ['bench-a', 'bench-b', 'bench-c', 'bench-d'];

function deployment(namespace: string, index: number): object {
  const labels = { app: `app-${index}` };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `app-${index}`, namespace, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'app',
              image: `registry.example.com/bench/app:1.${index % 10}.0`,
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'MODE', value: 'bench' }],
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

function service(namespace: string, index: number): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${index}`, namespace },
    spec: { selector: { app: `app-${index}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

function configMap(namespace: string, index: number): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cfg-${index}`, namespace },
    data: { 'app.properties': `index=${index}\nmode=bench\n` },
  };
}

/** JSON documents are YAML: one `---` separated file that kubectl and driftwatch both read. */
function documents(objects: readonly object[]): string {
  return `${objects.map((object) => JSON.stringify(object)).join('\n---\n')}\n`;
}

export function clusterBenchObjects(count: number): ClusterBenchWorld {
  const perKindAndNamespace = Math.max(2, Math.ceil(count / 3 / NAMESPACES.length));
  const kinds = [
    { file: 'deployments', make: deployment },
    { file: 'services', make: service },
    { file: 'configmaps', make: configMap },
  ];
  const files = NAMESPACES.flatMap((namespace) =>
    kinds.map((kind) => ({
      name: `${namespace}-${kind.file}.yaml`,
      text: documents(Array.from({ length: perKindAndNamespace }, (_, index) => kind.make(namespace, index))),
    })),
  );
  return {
    objects: perKindAndNamespace * kinds.length * NAMESPACES.length,
    namespaces: NAMESPACES,
    resources: kinds.map((kind) => kind.file),
    files,
  };
}

/** Drifts the first namespace by hand and returns the drift an exact audit reports, sorted. */
export async function seedClusterDrift(kube: KubeWorld, world: ClusterBenchWorld): Promise<ExpectedDrift[]> {
  const namespace = world.namespaces[0] ?? 'default';
  const inNs = ['-n', namespace];
  await kube.kubectl(['set', 'image', 'deployment/app-0', 'app=registry.example.com/bench/app:9.9.9-hotfix', ...inNs]);
  await kube.kubectl(['scale', 'deployment/app-1', '--replicas=5', ...inNs]);
  await kube.kubectl(['label', 'configmap/cfg-0', 'drift=yes', ...inNs]);
  await kube.kubectl(['annotate', 'service/svc-1', 'owner=alice', ...inNs]);
  await kube.kubectl(['delete', 'configmap', 'cfg-1', ...inNs]);
  await kube.kubectl(['create', 'configmap', 'hand-made', '--from-literal=a=b', ...inNs]);
  return [
    expectedKey('modified', 'Deployment', namespace, 'app-0', ['/spec/template/spec/containers/name=app/image']),
    expectedKey('modified', 'Deployment', namespace, 'app-1', ['/spec/replicas']),
    expectedKey('modified', 'ConfigMap', namespace, 'cfg-0', ['/metadata/labels/drift']),
    expectedKey('modified', 'Service', namespace, 'svc-1', ['/metadata/annotations/owner']),
    expectedKey('missing', 'ConfigMap', namespace, 'cfg-1', []),
    expectedKey('extra', 'ConfigMap', namespace, 'hand-made', []),
  ].sort();
}
