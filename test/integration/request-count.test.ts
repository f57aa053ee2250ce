import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECK_KINDS } from '../../lib/checks/index.ts';
import { AGGREGATED_DISCOVERY_ACCEPT } from '../../lib/cluster/discovery.ts';
import { readCluster } from '../../lib/cluster/live.ts';
import { auditCluster } from '../../lib/pipeline/audit-cluster.ts';
import type { Report } from '../../lib/report/report.ts';
import { openSource } from '../../lib/source/open.ts';
import { runCliAsync } from '../cli/run-cli.ts';
import { proxiedKubeconfig, startKubeProxy } from '../world/fault-proxy.ts';
import type { FaultProxy, FaultRule } from '../world/fault-proxy.ts';
import type { KubeWorld } from '../world/kube.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/*
 * Requests counted where the apiserver receives them (a proxy in front of it holds the credentials): an audit makes
 * two discovery requests (aggregated discovery; one more per group in scope on a server without it) and one paginated
 * LIST per type in scope, never one request per object, and lists only the types
 * the declared set and the enabled checks need.
 */

const NAMESPACE = 'counted';
const CONFIG_MAPS = 25;
const DEPLOYMENTS = 3;

let world: World;
let kube: KubeWorld;
let proxy: FaultProxy;
let dir: string;
let kubeconfig: string;

function manifests(): string {
  const configMaps = Array.from({ length: CONFIG_MAPS }, (_, index) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cfg-${index}`, namespace: NAMESPACE },
    data: { index: String(index) },
  }));
  const deployments = Array.from({ length: DEPLOYMENTS }, (_, index) => {
    const labels = { app: `app-${index}` };
    const containers = [{ name: 'app', image: `registry.example.com/app:1.${index}` }];
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${index}`, namespace: NAMESPACE },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
    };
  });
  return [...configMaps, ...deployments].map((object) => JSON.stringify(object)).join('\n---\n');
}

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: false, slack: false });
  if (!world.kube) throw new Error('the test world has no Kubernetes');
  kube = world.kube;
  dir = mkdtempSync(join(tmpdir(), 'driftwatch-requests-'));
  mkdirSync(join(dir, 'source'));
  writeFileSync(join(dir, 'source', 'objects.yaml'), manifests());
  await kube.kubectl(['create', 'namespace', NAMESPACE]);
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', join(dir, 'source')]);
  proxy = await startKubeProxy(kube.server, kube.kubeconfig);
  kubeconfig = join(dir, 'proxied.kubeconfig');
  writeFileSync(kubeconfig, proxiedKubeconfig(proxy.url));
}, 120_000);

afterAll(async () => {
  await proxy.stop();
  await world.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The requests since `from` (all GETs), as paths without the query: every one, the LIST pages, the discovery reads. */
function requestsSince(from: number): { paths: string[]; lists: string[]; discovery: string[] } {
  const records = proxy.records.slice(from);
  expect(records.every((record) => record.method === 'GET')).toBe(true);
  const split = records.map((record) => {
    const url = new URL(record.path, 'http://apiserver');
    return { path: url.pathname, list: url.searchParams.has('limit') };
  });
  return {
    paths: split.map((entry) => entry.path),
    lists: split.filter((entry) => entry.list).map((entry) => entry.path),
    discovery: split.filter((entry) => !entry.list).map((entry) => entry.path),
  };
}

const kindKey = (entry: { group: string; kind: string }): string => `${entry.group}/${entry.kind}`;

describe('requests at the apiserver', () => {
  test('the CLI audit: discovery plus one LIST per type in scope (declared kinds, ReplicaSets, HPAs, the checks), none per object', async () => {
    const from = proxy.records.length;
    // Asynchronously: the proxy answers in this process.
    const result = await runCliAsync([
      'audit',
      '--source',
      join(dir, 'source'),
      '--kubeconfig',
      kubeconfig,
      '--format',
      'json',
      '--no-write',
      '--fail-on',
      'none',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.drift).toEqual([]);
    const { paths, lists, discovery } = requestsSince(from);
    const expectedKinds = new Set([
      '/ConfigMap',
      'apps/Deployment',
      'apps/ReplicaSet',
      'autoscaling/HorizontalPodAutoscaler',
      ...CHECK_KINDS.map(kindKey),
    ]);
    expect(new Set(report.scan.lists.map(kindKey))).toEqual(expectedKinds);
    // One page each (every type holds fewer than 500 objects here), each collection once, no object read by name.
    expect(lists.length).toBe(expectedKinds.size);
    expect(new Set(lists).size).toBe(lists.length);
    expect(lists.some((path) => path.includes(`/namespaces/`))).toBe(false);
    // Discovery: /api and /apis only, each once: the apiserver (1.34) answers both as aggregated discovery, every
    // group's resources in one document.
    expect(discovery.sort()).toEqual(['/api', '/apis']);
    expect(paths.length).toBe(2 + expectedKinds.size);
  });

  test('without the checks, only the declared kinds and what the diff needs are discovered and listed', async () => {
    const from = proxy.records.length;
    const report = await auditCluster({
      cluster: 'counted',
      sourcePath: '',
      tree: await openSource(join(dir, 'source')),
      runId: 'requests',
      readLive: (kinds, namespaces) =>
        readCluster({
          kubeconfigPath: kubeconfig,
          kinds: [...kinds],
          ...(namespaces ? { namespaces: [...namespaces] } : {}),
        }),
    });
    expect(report.scan.lists.map(kindKey).sort()).toEqual([
      '/ConfigMap',
      'apps/Deployment',
      'apps/ReplicaSet',
      'autoscaling/HorizontalPodAutoscaler',
    ]);
    const { paths } = requestsSince(from);
    expect(paths.sort()).toEqual(
      [
        '/api',
        '/apis',
        '/api/v1/configmaps',
        '/apis/apps/v1/deployments',
        '/apis/apps/v1/replicasets',
        '/apis/autoscaling/v2/horizontalpodautoscalers',
      ].sort(),
    );
  });

  test('discovery asks for the aggregated form on /api and /apis', async () => {
    const from = proxy.records.length;
    const state = await readCluster({ kubeconfigPath: kubeconfig, kinds: [{ group: '', kind: 'ConfigMap' }] });
    expect(state.complete).toBe(true);
    const discoveryReads = proxy.records
      .slice(from)
      .filter((record) => record.path === '/api' || record.path === '/apis');
    expect(discoveryReads.map((record) => record.headers.accept)).toEqual([
      AGGREGATED_DISCOVERY_ACCEPT,
      AGGREGATED_DISCOVERY_ACCEPT,
    ]);
  });

  test('a server that answers /api and /apis in the legacy form: one resource list per group in scope, the same objects', async () => {
    const kinds = [
      { group: '', kind: 'ConfigMap' },
      { group: 'apps', kind: 'Deployment' },
    ];
    const aggregatedState = await readCluster({ kubeconfigPath: kubeconfig, kinds });
    // The legacy documents, as a server without aggregated discovery (before 1.26) sends them: plain application/json.
    const legacy = async (path: string): Promise<string> => (await kube.kubectl(['get', '--raw', path])).stdout;
    const [core, groups] = [await legacy('/api'), await legacy('/apis')];
    expect(JSON.parse(groups)).toHaveProperty('kind', 'APIGroupList');
    const legacyAnswer = (path: string, body: string): FaultRule => ({
      name: `legacy ${path}`,
      match: (request) => new URL(request.path, 'http://apiserver').pathname === path,
      fault: { type: 'status', status: 200, headers: { 'content-type': 'application/json' }, body },
    });
    proxy.add(legacyAnswer('/api', core));
    proxy.add(legacyAnswer('/apis', groups));
    try {
      const from = proxy.records.length;
      const legacyState = await readCluster({ kubeconfigPath: kubeconfig, kinds });
      const { paths } = requestsSince(from);
      expect(paths.sort()).toEqual(
        ['/api', '/apis', '/api/v1', '/apis/apps/v1', '/api/v1/configmaps', '/apis/apps/v1/deployments'].sort(),
      );
      expect(legacyState.complete).toBe(true);
      expect(legacyState.lists.map(kindKey)).toEqual(aggregatedState.lists.map(kindKey));
      expect(legacyState.objects.map((object) => object.metadata.uid).sort()).toEqual(
        aggregatedState.objects.map((object) => object.metadata.uid).sort(),
      );
    } finally {
      proxy.clear();
    }
  });

  test('a LIST is paginated: requests grow with pages, not with objects', async () => {
    const live = JSON.parse((await kube.kubectl(['get', 'configmaps', '-A', '-o', 'json'])).stdout) as {
      items: unknown[];
    };
    const pageSize = 10;
    const from = proxy.records.length;
    const state = await readCluster({
      kubeconfigPath: kubeconfig,
      kinds: [{ group: '', kind: 'ConfigMap' }],
      pageSize,
    });
    expect(state.complete).toBe(true);
    expect(state.objects.length).toBe(live.items.length);
    const { paths } = requestsSince(from);
    expect(paths.length).toBe(2 + Math.ceil(live.items.length / pageSize));
    expect(paths.filter((path) => path === '/api/v1/configmaps').length).toBe(Math.ceil(live.items.length / pageSize));
  });
});
