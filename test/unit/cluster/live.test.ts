import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KubeconfigError, readCluster } from '../../../lib/cluster/live.ts';
import type { ReadClusterOptions } from '../../../lib/cluster/live.ts';
import type { LiveState } from '../../../lib/cluster/types.ts';
import {
  discoveryHandler,
  kubeconfigFor,
  listHandler,
  listItem,
  startFakeApiServer,
  status,
} from './fake-apiserver.ts';
import type { FakeApiServer, FakeDiscovery, FakeHandler } from './fake-apiserver.ts';

const TOKEN = 'sekrit-token-0123456789';

const DISCOVERY: FakeDiscovery = {
  core: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'events', kind: 'Event', namespaced: true },
    { name: 'componentstatuses', kind: 'ComponentStatus', namespaced: false },
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
      resources: [
        { name: 'clusterroles', kind: 'ClusterRole', namespaced: false },
        { name: 'roles', kind: 'Role', namespaced: true },
      ],
    },
    {
      name: 'coordination.k8s.io',
      preferredVersion: 'v1',
      resources: [{ name: 'leases', kind: 'Lease', namespaced: true }],
    },
    {
      name: 'authorization.k8s.io',
      preferredVersion: 'v1',
      resources: [{ name: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false, verbs: ['create'] }],
    },
  ],
};

const CONFIG_MAPS = [
  listItem('a', 'shop'),
  listItem('b', 'shop'),
  listItem('c', 'web'),
  listItem('d', 'web'),
  listItem('e', 'kube-system'),
];

function clusterHandlers(): FakeHandler[] {
  return [
    discoveryHandler(DISCOVERY),
    listHandler('v1', 'configmaps', 'ConfigMapList', CONFIG_MAPS),
    listHandler('v1', 'namespaces', 'NamespaceList', [listItem('shop', undefined), listItem('web', undefined)]),
    listHandler('v1', 'secrets', 'SecretList', [listItem('token', 'shop', { data: { password: 'aHVudGVyMg==' } })]),
    listHandler('v1', 'pods', 'PodList', [listItem('web-1', 'web')]),
    listHandler('apps/v1', 'deployments', 'DeploymentList', [listItem('web', 'web', { spec: { replicas: 2 } })]),
    listHandler('rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRoleList', [listItem('viewer', undefined)]),
    listHandler('rbac.authorization.k8s.io/v1', 'roles', 'RoleList', [listItem('editor', 'shop')]),
  ];
}

let server: FakeApiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function readFake(
  handlers: FakeHandler[],
  options: Partial<ReadClusterOptions> = {},
): Promise<{ state: LiveState; progress: string[]; fake: FakeApiServer }> {
  const fake = await startFakeApiServer(...handlers);
  server = fake;
  const progress: string[] = [];
  const state = await readCluster({
    kubeconfigYaml: kubeconfigFor(fake.url, TOKEN),
    pageSize: 2,
    onProgress: (line) => progress.push(line),
    ...options,
  });
  return { state, progress, fake };
}

function pathsRequested(fake: FakeApiServer): string[] {
  return fake.requests.map((request) => request.path);
}

function outcomeOf(state: LiveState, resource: string, namespace?: string): LiveState['lists'][number] | undefined {
  return state.lists.find((list) => list.resource === resource && list.namespace === namespace);
}

describe('readCluster against a fake API server', () => {
  test('an object with malformed managedFields is read without them, with a warning naming it', async () => {
    const broken = listItem('broken', 'shop');
    const metadata = broken['metadata'] as Record<string, unknown>;
    metadata['managedFields'] = [null];
    const handlers = clusterHandlers().map((handler, index) =>
      index === 1 ? listHandler('v1', 'configmaps', 'ConfigMapList', [...CONFIG_MAPS, broken]) : handler,
    );
    const { state, progress } = await readFake(handlers);
    expect(state.complete).toBe(true);
    expect(state.objects.find((object) => object.metadata.name === 'broken')?.metadata.managedFields).toBeUndefined();
    expect(state.objects.find((object) => object.metadata.name === 'a')?.metadata.managedFields).toHaveLength(1);
    expect(state.warnings).toEqual([
      'ConfigMap shop/broken: metadata.managedFields entry 0 is not a mapping; its changes are not attributed',
    ]);
    expect(progress).toContain(
      'warning: ConfigMap shop/broken: metadata.managedFields entry 0 is not a mapping; its changes are not attributed',
    );
  });

  test('lists each listable type with paginated LISTs, filling apiVersion/kind and keeping managedFields', async () => {
    const { state, progress, fake } = await readFake(clusterHandlers());

    expect(state.error).toBeUndefined();
    expect(state.origin).toBe('kubeconfig:test');
    expect(state.complete).toBe(true);
    expect(state.lists.map((list) => `${list.group}/${list.resource}:${list.status}:${list.count}`)).toEqual([
      '/configmaps:listed:5',
      '/namespaces:listed:2',
      '/pods:listed:1',
      'apps/deployments:listed:1',
      'rbac.authorization.k8s.io/clusterroles:listed:1',
      'rbac.authorization.k8s.io/roles:listed:1',
    ]);
    const configMap = state.objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'a');
    expect(configMap?.apiVersion).toBe('v1');
    expect(configMap?.metadata.managedFields?.[0]?.manager).toBe('kubectl-client-side-apply');
    const deployment = state.objects.find((object) => object.kind === 'Deployment');
    expect(deployment).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'web' },
      spec: { replicas: 2 },
    });
    expect(progress).toContain('listed apps/v1 deployments (1 object)');
    expect(progress).toContain('listed v1 configmaps (5 objects)');

    // 5 config maps at 2 per page: three requests chained by continue tokens.
    const configMapRequests = fake.requests.filter((request) => request.path === '/api/v1/configmaps');
    expect(configMapRequests.map((request) => request.query.get('continue'))).toEqual([null, 'offset:2', 'offset:4']);
    expect(configMapRequests.every((request) => request.query.get('limit') === '2')).toBe(true);
    expect(fake.requests.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('never GETs single objects, never reads non-preferred versions, and skips noisy, create-only and secret types', async () => {
    const { fake } = await readFake(clusterHandlers());
    const paths = pathsRequested(fake);

    expect(new Set(paths)).toEqual(
      new Set([
        '/api',
        '/apis',
        '/api/v1',
        '/apis/apps/v1',
        '/apis/rbac.authorization.k8s.io/v1',
        '/apis/authorization.k8s.io/v1',
        '/api/v1/configmaps',
        '/api/v1/namespaces',
        '/api/v1/pods',
        '/apis/apps/v1/deployments',
        '/apis/rbac.authorization.k8s.io/v1/clusterroles',
        '/apis/rbac.authorization.k8s.io/v1/roles',
      ]),
    );
  });

  test('reports cluster-scoped kinds from discovery as group/Kind', async () => {
    const { state } = await readFake(clusterHandlers());

    expect(state.clusterScopedKinds).toEqual([
      '/ComponentStatus',
      '/Namespace',
      'authorization.k8s.io/SubjectAccessReview',
      'rbac.authorization.k8s.io/ClusterRole',
    ]);
  });

  test('restarts a list from its first page when the continue token expires (410 Gone)', async () => {
    let expired = false;
    const expireOnce: FakeHandler = (request) => {
      if (request.path !== '/api/v1/configmaps' || request.query.get('continue') !== 'offset:2' || expired)
        return undefined;
      expired = true;
      return status(410, 'Expired', 'The provided continue parameter is too old');
    };
    const { state, progress, fake } = await readFake([expireOnce, ...clusterHandlers()]);

    expect(outcomeOf(state, 'configmaps')).toMatchObject({ status: 'listed', count: 5 });
    const names = state.objects.filter((object) => object.kind === 'ConfigMap').map((object) => object.metadata.name);
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(progress).toContain('restarting list of v1 configmaps: continue token expired (410 Gone)');
    const continues = fake.requests
      .filter((request) => request.path === '/api/v1/configmaps')
      .map((request) => request.query.get('continue'));
    expect(continues).toEqual([null, 'offset:2', null, 'offset:2', 'offset:4']);
    expect(state.complete).toBe(true);
  });

  test('gives a list up as failed after its continue token expired on every one of 4 attempts', async () => {
    const alwaysExpired: FakeHandler = (request) =>
      request.path === '/api/v1/configmaps' && request.query.has('continue')
        ? status(410, 'Expired', 'too old')
        : undefined;
    const { state, fake } = await readFake([alwaysExpired, ...clusterHandlers()]);

    expect(outcomeOf(state, 'configmaps')).toMatchObject({
      status: 'failed',
      count: 0,
      error: expect.stringContaining('410'),
    });
    expect(state.objects.some((object) => object.kind === 'ConfigMap')).toBe(false);
    const firstPages = fake.requests.filter(
      (request) => request.path === '/api/v1/configmaps' && !request.query.has('continue'),
    );
    expect(firstPages).toHaveLength(4);
    expect(state.complete).toBe(false);
    expect(outcomeOf(state, 'namespaces')?.status).toBe('listed');
  });

  test('records a 403 list as forbidden while the other types are still listed', async () => {
    const forbidRoles: FakeHandler = (request) =>
      request.path === '/apis/rbac.authorization.k8s.io/v1/roles'
        ? status(
            403,
            'Forbidden',
            'roles.rbac.authorization.k8s.io is forbidden: User "auditor" cannot list resource "roles"',
          )
        : undefined;
    const { state, progress } = await readFake([forbidRoles, ...clusterHandlers()]);

    expect(outcomeOf(state, 'roles')).toMatchObject({
      status: 'forbidden',
      count: 0,
      kind: 'Role',
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
    });
    expect(outcomeOf(state, 'roles')?.error).toContain('cannot list resource "roles"');
    expect(state.complete).toBe(false);
    expect(state.lists.filter((list) => list.status === 'listed')).toHaveLength(5);
    expect(state.objects.some((object) => object.kind === 'Role')).toBe(false);
    expect(progress.some((line) => line.startsWith('forbidden: rbac.authorization.k8s.io/v1 roles'))).toBe(true);
  });

  test('records a list that exceeds the request timeout as failed without stopping the others', async () => {
    const hangPods: FakeHandler = (request) => (request.path === '/api/v1/pods' ? 'hang' : undefined);
    const { state } = await readFake([hangPods, ...clusterHandlers()], { timeoutMs: 300 });

    expect(outcomeOf(state, 'pods')).toMatchObject({ status: 'failed', error: 'timed out after 300 ms' });
    expect(outcomeOf(state, 'deployments')?.status).toBe('listed');
    expect(state.complete).toBe(false);
  });

  test('keeps at most `concurrency` requests in flight', async () => {
    const slow: FakeHandler[] = clusterHandlers().map((handler) => (request) => {
      const reply = handler(request);
      return reply === undefined || reply === 'hang' ? reply : { ...reply, delayMs: 15 };
    });
    const { state, fake } = await readFake(slow, { concurrency: 2 });

    expect(state.complete).toBe(true);
    expect(fake.maxInFlight()).toBe(2);
  });

  test('lists namespaced types in each requested namespace and cluster-scoped types cluster-wide', async () => {
    const { state, fake } = await readFake(clusterHandlers(), { namespaces: ['shop', 'web'] });
    const paths = pathsRequested(fake);

    expect(paths).toContain('/api/v1/namespaces/shop/configmaps');
    expect(paths).toContain('/api/v1/namespaces/web/configmaps');
    expect(paths).not.toContain('/api/v1/configmaps');
    expect(paths).toContain('/api/v1/namespaces');
    expect(paths).toContain('/apis/rbac.authorization.k8s.io/v1/clusterroles');
    expect(outcomeOf(state, 'configmaps', 'shop')).toMatchObject({ status: 'listed', count: 2 });
    expect(outcomeOf(state, 'configmaps', 'web')).toMatchObject({ status: 'listed', count: 2 });
    expect(outcomeOf(state, 'namespaces')).toMatchObject({ status: 'listed', count: 2 });
    expect(state.objects.some((object) => object.metadata.namespace === 'kube-system')).toBe(false);
  });

  test('lists only the requested kinds, including Secrets when Secret is requested', async () => {
    const { state, fake } = await readFake(clusterHandlers(), {
      kinds: [
        { group: 'apps', kind: 'Deployment' },
        { group: '', kind: 'Secret' },
      ],
    });

    expect(state.lists.map((list) => list.resource)).toEqual(['secrets', 'deployments']);
    expect(state.objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Secret/token',
      'Deployment/web',
    ]);
    // Discovery reads only the groups of the requested kinds.
    expect(pathsRequested(fake)).not.toContain('/apis/rbac.authorization.k8s.io/v1');
  });

  test('reports a requested kind that the cluster does not serve', async () => {
    const { state, progress } = await readFake(clusterHandlers(), {
      kinds: [{ group: 'example.com', kind: 'Widget' }],
    });

    expect(state.lists).toEqual([]);
    expect(state.complete).toBe(true);
    expect(progress).toContain('not served by the cluster: example.com/Widget');
  });

  test('lists Secrets without naming kinds only when includeSecrets is set', async () => {
    const { state } = await readFake(clusterHandlers(), { includeSecrets: true });

    expect(outcomeOf(state, 'secrets')).toMatchObject({ status: 'listed', count: 1 });
  });

  test('marks the state incomplete when the resource list of one API group cannot be discovered', async () => {
    const brokenGroup: FakeDiscovery = {
      ...DISCOVERY,
      groups: [...DISCOVERY.groups, { name: 'example.com', preferredVersion: 'v1', resources: [] }],
    };
    const unavailable: FakeHandler = (request) =>
      request.path === '/apis/example.com/v1'
        ? status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request')
        : undefined;
    const { state } = await readFake([unavailable, discoveryHandler(brokenGroup), ...clusterHandlers()]);

    expect(state.lists).toContainEqual(
      expect.objectContaining({ group: 'example.com', version: 'v1', resource: '*', status: 'failed' }),
    );
    expect(state.complete).toBe(false);
    expect(outcomeOf(state, 'deployments')?.status).toBe('listed');
  });

  test('keeps bearer tokens out of error texts even when the server echoes them', async () => {
    const echo: FakeHandler = (request) =>
      request.path === '/api/v1/pods'
        ? status(500, 'InternalError', `upstream rejected Authorization: ${request.authorization ?? ''}`)
        : undefined;
    const { state } = await readFake([echo, ...clusterHandlers()]);

    expect(outcomeOf(state, 'pods')?.status).toBe('failed');
    expect(outcomeOf(state, 'pods')?.error).toContain('HTTP 500 InternalError');
    expect(JSON.stringify(state.lists)).not.toContain(TOKEN);
  });

  test('returns an incomplete state with an error, without throwing, when the API server is unreachable', async () => {
    const gone = await startFakeApiServer();
    await gone.close();

    const state = await readCluster({ kubeconfigYaml: kubeconfigFor(gone.url, TOKEN), timeoutMs: 2000 });

    expect(state.complete).toBe(false);
    expect(state.objects).toEqual([]);
    expect(state.error).toMatch(
      /^API discovery failed at http:\/\/127\.0\.0\.1:\d+: GET \/api: cannot reach API server \(ECONNREFUSED\)$/,
    );
    expect(state.error).not.toContain(TOKEN);
  });
});

describe('readCluster kubeconfig handling', () => {
  test('rejects an unknown context with an error naming it and the available contexts', async () => {
    const reading = readCluster({ kubeconfigYaml: kubeconfigFor('http://127.0.0.1:9', TOKEN), context: 'nope' });

    await expect(reading).rejects.toBeInstanceOf(KubeconfigError);
    await expect(reading).rejects.toThrow('kubeconfig context "nope" not found; available contexts: test, other');
  });

  test('uses the context given instead of current-context, from a kubeconfig file', async () => {
    const fake = await startFakeApiServer(...clusterHandlers());
    server = fake;
    const folder = await mkdtemp(join(tmpdir(), 'driftwatch-kubeconfig-'));
    try {
      const path = join(folder, 'config');
      await writeFile(path, kubeconfigFor(fake.url, TOKEN));
      const state = await readCluster({
        kubeconfigPath: path,
        context: 'other',
        kinds: [{ group: 'apps', kind: 'Deployment' }],
      });
      expect(state.origin).toBe('kubeconfig:other');
      expect(state.objects.map((object) => object.metadata.name)).toEqual(['web']);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  test('rejects an unreadable kubeconfig file naming the path', async () => {
    await expect(readCluster({ kubeconfigPath: '/nonexistent/kubeconfig' })).rejects.toThrow(
      'cannot read kubeconfig /nonexistent/kubeconfig (ENOENT)',
    );
  });

  test('reports a kubeconfig YAML error by line without quoting the file', async () => {
    const broken = `${kubeconfigFor('http://127.0.0.1:9', TOKEN)}users: [token: "${TOKEN}\n`;

    const reading = readCluster({ kubeconfigYaml: broken });

    await expect(reading).rejects.toThrow(/kubeconfig \(inline\) is invalid: YAML syntax error at line \d+/);
    await expect(reading).rejects.not.toThrow(TOKEN);
  });
});
