/**
 * A fake Kubernetes API server on 127.0.0.1 for tests of lib/cluster/live.ts: it serves discovery documents and
 * paginated LIST responses over real HTTP, so our client code runs unmodified (auth headers, query strings, timeouts).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  path: string;
  accept: string | undefined;
  query: URLSearchParams;
  authorization: string | undefined;
}

/** `hang` never answers (for timeouts); undefined falls through to the next handler. */
export type FakeReply = { status: number; body: unknown; delayMs?: number; contentType?: string } | 'hang';
export type FakeHandler = (request: FakeRequest) => FakeReply | undefined;

export interface FakeApiServer {
  url: string;
  requests: FakeRequest[];
  /** Highest number of requests being answered at the same time. */
  maxInFlight(): number;
  close(): Promise<void>;
}

export async function startFakeApiServer(...handlers: FakeHandler[]): Promise<FakeApiServer> {
  const requests: FakeRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const url = new URL(incoming.url ?? '/', 'http://fake');
    const request: FakeRequest = {
      path: url.pathname,
      accept: incoming.headers.accept,
      query: url.searchParams,
      authorization: incoming.headers.authorization,
    };
    requests.push(request);
    const reply = firstReply(handlers, request) ?? notFound(request.path);
    if (reply === 'hang') return;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      response.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
      response.end(JSON.stringify(reply.body));
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function firstReply(handlers: FakeHandler[], request: FakeRequest): FakeReply | undefined {
  for (const handler of handlers) {
    const reply = handler(request);
    if (reply !== undefined) return reply;
  }
  return undefined;
}

export function status(code: number, reason: string, message: string): FakeReply {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message } };
}

function notFound(path: string): FakeReply {
  return status(404, 'NotFound', `the server could not find the requested resource (${path})`);
}

export interface FakeResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

export interface FakeGroup {
  name: string;
  preferredVersion: string;
  /** Versions served besides the preferred one: discovery must not read them. */
  otherVersions?: string[];
  resources: FakeResource[];
}

export interface FakeDiscovery {
  core: FakeResource[];
  groups: FakeGroup[];
}

const READ_VERBS = ['get', 'list', 'watch'];

/** Answers `/api`, `/apis` and each group-version's APIResourceList. */
export function discoveryHandler(spec: FakeDiscovery): FakeHandler {
  return (request) => {
    if (request.path === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'] } };
    if (request.path === '/apis')
      return { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups: spec.groups.map(groupDocument) } };
    if (request.path === '/api/v1') return { status: 200, body: resourceList('v1', spec.core) };
    const group = spec.groups.find((candidate) => request.path.startsWith(`/apis/${candidate.name}/`));
    const version = group ? request.path.slice(`/apis/${group.name}/`.length) : '';
    if (!group || version.includes('/')) return undefined;
    return { status: 200, body: resourceList(`${group.name}/${version}`, group.resources) };
  };
}

function groupDocument(group: FakeGroup): unknown {
  const preferred = { groupVersion: `${group.name}/${group.preferredVersion}`, version: group.preferredVersion };
  const others = (group.otherVersions ?? []).map((version) => ({ groupVersion: `${group.name}/${version}`, version }));
  return { name: group.name, versions: [preferred, ...others], preferredVersion: preferred };
}

function resourceList(groupVersion: string, resources: FakeResource[]): unknown {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((resource) => ({
      name: resource.name,
      singularName: '',
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: resource.verbs ?? READ_VERBS,
    })),
  };
}

/**
 * Serves `items` at `path` (and at `/namespaces/<ns>/...` variants filtered by namespace) as a LIST honouring
 * `limit` and `continue`, the way the API server does: items without apiVersion/kind, continue token in metadata.
 */
export function listHandler(
  apiVersion: string,
  resource: string,
  listKind: string,
  items: Array<Record<string, unknown>>,
): FakeHandler {
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return (request) => {
    const scope = listScope(request.path, root, resource);
    if (scope === undefined) return undefined;
    const inScope =
      scope.namespace === undefined ? items : items.filter((item) => namespaceOf(item) === scope.namespace);
    return { status: 200, body: page(listKind, apiVersion, inScope, request.query) };
  };
}

function listScope(path: string, root: string, resource: string): { namespace?: string } | undefined {
  if (path === `${root}/${resource}`) return {};
  const match = new RegExp(`^${root}/namespaces/([^/]+)/${resource}$`).exec(path);
  return match?.[1] === undefined ? undefined : { namespace: decodeURIComponent(match[1]) };
}

function namespaceOf(item: Record<string, unknown>): unknown {
  const metadata = item['metadata'];
  return typeof metadata === 'object' && metadata !== null ? Reflect.get(metadata, 'namespace') : undefined;
}

function page(
  listKind: string,
  apiVersion: string,
  items: Array<Record<string, unknown>>,
  query: URLSearchParams,
): unknown {
  const limit = Number(query.get('limit') ?? items.length) || items.length;
  const start = Number(query.get('continue')?.replace('offset:', '') ?? 0);
  const end = start + limit;
  const metadata: Record<string, string> = { resourceVersion: '1000' };
  if (end < items.length) metadata['continue'] = `offset:${end}`;
  return { kind: listKind, apiVersion, metadata, items: items.slice(start, end) };
}

/** A list item as the API server sends it in a LIST: no apiVersion/kind, managedFields included. */
export function listItem(
  name: string,
  namespace: string | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    name,
    uid: `uid-${namespace ?? ''}-${name}`,
    resourceVersion: '42',
    managedFields: [
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
      },
    ],
    labels: { app: name },
  };
  if (namespace !== undefined) metadata['namespace'] = namespace;
  return { metadata, ...extra };
}

/** A kubeconfig pointing at the fake server (plain HTTP needs insecure-skip-tls-verify in client-node). */
export function kubeconfigFor(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: fake`,
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: tester',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: test',
    '  context: {cluster: fake, user: tester}',
    '- name: other',
    '  context: {cluster: fake, user: tester}',
    'current-context: test',
    '',
  ].join('\n');
}

export interface AggregatedOptions {
  /** `v2` (Kubernetes 1.30+) or `v2beta1` (1.26–1.29). */
  version?: 'v2' | 'v2beta1';
  /** Groups whose preferred version is marked `freshness: Stale` (their aggregated API server is down). */
  staleGroups?: string[];
}

/**
 * Answers `/api` and `/apis` with an APIGroupDiscoveryList when the Accept header asks for one (as kube-apiserver
 * 1.26+ does), falling through otherwise; the per-group resource lists are then left to `discoveryHandler`.
 */
export function aggregatedDiscoveryHandler(spec: FakeDiscovery, options: AggregatedOptions = {}): FakeHandler {
  const version = options.version ?? 'v2';
  const mediaType = `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
  const stale = new Set(options.staleGroups ?? []);
  return (request) => {
    if (request.path !== '/api' && request.path !== '/apis') return undefined;
    if (!(request.accept ?? '').split(',').includes(mediaType)) return undefined;
    const groups = request.path === '/api' ? [{ name: '', preferredVersion: 'v1', resources: spec.core }] : spec.groups;
    const items = groups.map((group) => ({
      metadata: group.name === '' ? { creationTimestamp: null } : { name: group.name, creationTimestamp: null },
      versions: [group.preferredVersion, ...(group.otherVersions ?? [])].map((groupVersion) => ({
        version: groupVersion,
        resources: aggregatedResourcesOf(group.resources),
        freshness: stale.has(group.name) ? 'Stale' : 'Current',
      })),
    }));
    return {
      status: 200,
      contentType: mediaType,
      body: { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items },
    };
  };
}

/** Subresources (`deployments/scale`) go under their resource, as APIResourceDiscovery nests them. */
function aggregatedResourcesOf(resources: FakeResource[]): unknown[] {
  const topLevel = resources.filter((resource) => !resource.name.includes('/'));
  return topLevel.map((resource) => ({
    resource: resource.name,
    responseKind: { group: '', version: '', kind: resource.kind },
    scope: resource.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: resource.kind.toLowerCase(),
    verbs: resource.verbs ?? READ_VERBS,
    subresources: resources
      .filter((candidate) => candidate.name.startsWith(`${resource.name}/`))
      .map((sub) => ({
        subresource: sub.name.slice(resource.name.length + 1),
        responseKind: { group: '', version: '', kind: sub.kind },
        verbs: sub.verbs ?? READ_VERBS,
      })),
  }));
}
