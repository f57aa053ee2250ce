import { afterEach, describe, expect, test } from 'vitest';
import { AGGREGATED_DISCOVERY_ACCEPT, aggregatedResources, isAggregated } from '../../../lib/cluster/discovery.ts';
import { readCluster } from '../../../lib/cluster/live.ts';
import type { LiveState } from '../../../lib/cluster/types.ts';
import {
  aggregatedDiscoveryHandler,
  discoveryHandler,
  kubeconfigFor,
  listHandler,
  listItem,
  startFakeApiServer,
} from './fake-apiserver.ts';
import type { AggregatedOptions, FakeApiServer, FakeDiscovery, FakeHandler } from './fake-apiserver.ts';

const SPEC: FakeDiscovery = {
  core: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'events', kind: 'Event', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
    { name: 'bindings', kind: 'Binding', namespaced: true, verbs: ['create'] },
  ],
  groups: [
    {
      name: 'apps',
      preferredVersion: 'v1',
      otherVersions: ['v1beta1'],
      resources: [
        { name: 'deployments', kind: 'Deployment', namespaced: true },
        { name: 'deployments/scale', kind: 'Scale', namespaced: true },
      ],
    },
    {
      name: 'rbac.authorization.k8s.io',
      preferredVersion: 'v1',
      resources: [{ name: 'clusterroles', kind: 'ClusterRole', namespaced: false }],
    },
    {
      name: 'metrics.example.com',
      preferredVersion: 'v1beta1',
      resources: [{ name: 'samples', kind: 'Sample', namespaced: true }],
    },
    {
      name: 'coordination.k8s.io',
      preferredVersion: 'v1',
      resources: [{ name: 'leases', kind: 'Lease', namespaced: true }],
    },
  ],
};

const LISTS: FakeHandler[] = [
  listHandler('v1', 'configmaps', 'ConfigMapList', [listItem('a', 'shop'), listItem('b', 'web')]),
  listHandler('v1', 'namespaces', 'NamespaceList', [listItem('shop', undefined), listItem('web', undefined)]),
  listHandler('v1', 'pods', 'PodList', [listItem('web-1', 'web')]),
  listHandler('apps/v1', 'deployments', 'DeploymentList', [listItem('web', 'web', { spec: { replicas: 2 } })]),
  listHandler('rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRoleList', [listItem('viewer', undefined)]),
  listHandler('metrics.example.com/v1beta1', 'samples', 'SampleList', [listItem('s', 'web')]),
];

let server: FakeApiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function readWith(
  handlers: FakeHandler[],
  kinds?: Array<{ group: string; kind: string }>,
): Promise<{ state: LiveState; paths: string[]; fake: FakeApiServer }> {
  const fake = await startFakeApiServer(...handlers, ...LISTS);
  server = fake;
  const state = await readCluster({
    kubeconfigYaml: kubeconfigFor(fake.url, 'token-0123456789'),
    ...(kinds ? { kinds } : {}),
  });
  return { state, paths: fake.requests.map((request) => request.path), fake };
}

const aggregated = (options?: AggregatedOptions): FakeHandler[] => [
  aggregatedDiscoveryHandler(SPEC, options),
  discoveryHandler(SPEC),
];
const legacyOnly = (): FakeHandler[] => [discoveryHandler(SPEC)];

describe('aggregated discovery (apidiscovery.k8s.io)', () => {
  test('two discovery requests in all, and the same types, objects and cluster-scoped kinds as the per-group path', async () => {
    const legacy = await readWith(legacyOnly());
    await server?.close();
    const { state, paths, fake } = await readWith(aggregated());

    expect(paths.filter((path) => !fake.requests.find((request) => request.path === path)?.query.has('limit'))).toEqual(
      ['/api', '/apis'],
    );
    expect(paths.sort()).toEqual(
      [
        '/api',
        '/apis',
        '/api/v1/configmaps',
        '/api/v1/namespaces',
        '/api/v1/pods',
        '/apis/apps/v1/deployments',
        '/apis/metrics.example.com/v1beta1/samples',
        '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      ].sort(),
    );
    expect(state.complete).toBe(true);
    expect(state.lists).toEqual(legacy.state.lists);
    expect(state.objects).toEqual(legacy.state.objects);
    expect(state.clusterScopedKinds).toEqual(legacy.state.clusterScopedKinds);
    expect(state.clusterScopedKinds).toEqual(['/Namespace', 'rbac.authorization.k8s.io/ClusterRole']);
  });

  test('asks with the v2, v2beta1 and plain JSON media types, in that order', async () => {
    const { fake } = await readWith(aggregated());
    expect(fake.requests[0]?.accept).toBe(AGGREGATED_DISCOVERY_ACCEPT);
    expect(AGGREGATED_DISCOVERY_ACCEPT).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    );
  });

  test('reads a v2beta1 document (Kubernetes 1.26–1.29) the same way', async () => {
    const { state, paths } = await readWith(aggregated({ version: 'v2beta1' }), [
      { group: 'apps', kind: 'Deployment' },
    ]);
    expect(paths).toEqual(['/api', '/apis', '/apis/apps/v1/deployments']);
    expect(state.objects.map((object) => `${String(object['kind'])}/${String(object['metadata']?.['name'])}`)).toEqual([
      'Deployment/web',
    ]);
  });

  test('a group marked Stale is a failed discovery: the state is incomplete, its kind is not called unserved, the others are listed', async () => {
    const progress: string[] = [];
    const fake = await startFakeApiServer(...aggregated({ staleGroups: ['metrics.example.com'] }), ...LISTS);
    server = fake;
    const state = await readCluster({
      kubeconfigYaml: kubeconfigFor(fake.url, 'token-0123456789'),
      kinds: [
        { group: 'metrics.example.com', kind: 'Sample' },
        { group: 'apps', kind: 'Deployment' },
      ],
      onProgress: (line) => progress.push(line),
    });
    expect(state.complete).toBe(false);
    expect(state.lists).toContainEqual(
      expect.objectContaining({
        group: 'metrics.example.com',
        version: 'v1beta1',
        resource: '*',
        kind: '*',
        status: 'failed',
      }),
    );
    expect(state.lists).toContainEqual(
      expect.objectContaining({ group: 'apps', resource: 'deployments', status: 'listed', count: 1 }),
    );
    expect(progress).toContain(
      'discovery of metrics.example.com/v1beta1 failed: its aggregated API server is unavailable (freshness Stale)',
    );
    expect(progress.some((line) => line.startsWith('not served'))).toBe(false);
    expect(fake.requests.map((request) => request.path)).not.toContain('/apis/metrics.example.com/v1beta1/samples');
  });

  test('a server without aggregated discovery answers plain JSON: one resource list per group in scope, as before', async () => {
    const { state, paths } = await readWith(legacyOnly());
    expect(paths.slice(0, 2).sort()).toEqual(['/api', '/apis']);
    expect(
      paths.filter((path) =>
        [
          '/api/v1',
          '/apis/apps/v1',
          '/apis/rbac.authorization.k8s.io/v1',
          '/apis/metrics.example.com/v1beta1',
        ].includes(path),
      ).length,
    ).toBe(4);
    expect(paths).not.toContain('/apis/coordination.k8s.io/v1');
    expect(paths).not.toContain('/apis/apps/v1beta1');
    expect(state.complete).toBe(true);
  });
});

describe('isAggregated', () => {
  test('only an APIGroupDiscoveryList of apidiscovery.k8s.io v2 or v2beta1', () => {
    expect(
      isAggregated({ '': 'application/json', g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscoveryList' }),
    ).toBe(true);
    expect(
      isAggregated({ '': 'application/json', g: 'apidiscovery.k8s.io', v: 'v2beta1', as: 'APIGroupDiscoveryList' }),
    ).toBe(true);
    expect(isAggregated({ '': 'application/json' })).toBe(false);
    expect(
      isAggregated({ '': 'application/json', g: 'apidiscovery.k8s.io', v: 'v3', as: 'APIGroupDiscoveryList' }),
    ).toBe(false);
    expect(isAggregated({ '': 'application/json', g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscovery' })).toBe(
      false,
    );
    expect(
      isAggregated({ '': 'application/yaml', g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscoveryList' }),
    ).toBe(false);
  });
});

describe('aggregatedResources', () => {
  test('each group at its first (preferred) version, the unnamed core group as "", scope as namespaced, kinds from responseKind', () => {
    const groups = aggregatedResources({
      kind: 'APIGroupDiscoveryList',
      items: [
        {
          metadata: {},
          versions: [
            {
              version: 'v1',
              freshness: 'Current',
              resources: [{ resource: 'nodes', responseKind: { kind: 'Node' }, scope: 'Cluster', verbs: ['list'] }],
            },
          ],
        },
        {
          metadata: { name: 'autoscaling' },
          versions: [
            {
              version: 'v2',
              resources: [
                {
                  resource: 'horizontalpodautoscalers',
                  responseKind: { group: '', version: '', kind: 'HorizontalPodAutoscaler' },
                  scope: 'Namespaced',
                  verbs: ['get', 'list'],
                  subresources: [{ subresource: 'status' }],
                },
              ],
            },
            {
              version: 'v1',
              resources: [
                {
                  resource: 'horizontalpodautoscalers',
                  responseKind: { kind: 'HorizontalPodAutoscaler' },
                  scope: 'Namespaced',
                  verbs: ['list'],
                },
              ],
            },
          ],
        },
        // No kind: skipped, as client-go skips it.
        {
          metadata: { name: 'broken.example.com' },
          versions: [{ version: 'v1', resources: [{ resource: 'things', scope: 'Namespaced', verbs: ['list'] }] }],
        },
        { metadata: { name: 'empty.example.com' }, versions: [] },
        'not an object',
      ],
    });
    expect(groups).toEqual([
      {
        groupVersion: { group: '', version: 'v1', groupVersion: 'v1' },
        ok: true,
        resources: [
          {
            group: '',
            version: 'v1',
            apiVersion: 'v1',
            resource: 'nodes',
            kind: 'Node',
            namespaced: false,
            verbs: ['list'],
          },
        ],
      },
      {
        groupVersion: { group: 'autoscaling', version: 'v2', groupVersion: 'autoscaling/v2' },
        ok: true,
        resources: [
          {
            group: 'autoscaling',
            version: 'v2',
            apiVersion: 'autoscaling/v2',
            resource: 'horizontalpodautoscalers',
            kind: 'HorizontalPodAutoscaler',
            namespaced: true,
            verbs: ['get', 'list'],
          },
        ],
      },
      {
        groupVersion: { group: 'broken.example.com', version: 'v1', groupVersion: 'broken.example.com/v1' },
        ok: true,
        resources: [],
      },
    ]);
  });

  test('a Stale preferred version is a failure of that group-version, with no resources', () => {
    const [group] = aggregatedResources({
      items: [
        {
          metadata: { name: 'metrics.k8s.io' },
          versions: [
            {
              version: 'v1beta1',
              freshness: 'Stale',
              resources: [
                { resource: 'pods', responseKind: { kind: 'PodMetrics' }, scope: 'Namespaced', verbs: ['list'] },
              ],
            },
          ],
        },
      ],
    });
    expect(group).toEqual({
      groupVersion: { group: 'metrics.k8s.io', version: 'v1beta1', groupVersion: 'metrics.k8s.io/v1beta1' },
      ok: false,
      failure: {
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        resource: '*',
        kind: '*',
        status: 'failed',
        count: 0,
        error: 'discovery of metrics.k8s.io/v1beta1 failed: its aggregated API server is unavailable (freshness Stale)',
      },
    });
  });
});
