import pLimit from 'p-limit';
import type { GroupKind } from '../kube/kinds.ts';
import { isPlainObject } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import { discover } from './discovery.ts';
import type { ResourceType } from './discovery.ts';
import { withTypeMeta } from './items.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { withCheckedManagedFields } from './managed-fields.ts';
import type { KubeconfigSource } from './kubeconfig.ts';
import { createTransport } from './transport.ts';
import type { ApiTransport } from './transport.ts';
import type { ListOutcome, LiveState } from './types.ts';

export { KubeconfigError } from './kubeconfig.ts';

export interface ReadClusterOptions extends KubeconfigSource {
  /** Namespaced types are listed in each of these namespaces; absent: cluster-wide. Cluster-scoped types always cluster-wide. */
  namespaces?: string[];
  /** Only these kinds (matched on group + kind). The skip list then does not apply, so Secret, Lease, Event can be asked for. */
  kinds?: GroupKind[];
  /** List Secrets although `kinds` is not given. Off by default: least privilege. */
  includeSecrets?: boolean;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Objects per LIST page (default 500). */
  pageSize?: number;
  /** Per request, body included (default 30 s). */
  timeoutMs?: number;
  onProgress?: (message: string) => void;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Restarts of one list after its continue token expired (410 Gone) before it is given up as failed. */
export const MAX_LIST_RESTARTS = 3;

interface ListTarget {
  type: ResourceType;
  namespace?: string;
}

interface ListResult {
  outcome: ListOutcome;
  objects: KubeObject[];
}

type PassResult =
  | { status: 'listed'; objects: KubeObject[] }
  | { status: 'expired' }
  | { status: 'forbidden' | 'failed'; error: string };

/**
 * Reads the live state through the API: discovery, then one paginated LIST per resource type (per namespace when
 * namespaces are given). A kubeconfig problem throws KubeconfigError; anything the cluster does wrong is recorded in
 * the result (`error`, `lists`, `complete`) so the report can say it is incomplete.
 */
export async function readCluster(options: ReadClusterOptions): Promise<LiveState> {
  const { kubeConfig, contextName, cluster } = loadKubeconfig(options);
  const api = createTransport(kubeConfig, cluster.server, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    return await readThrough(api, `kubeconfig:${contextName}`, cluster.server, options);
  } finally {
    await api.close();
  }
}

async function readThrough(
  api: ApiTransport,
  origin: string,
  server: string,
  options: ReadClusterOptions,
): Promise<LiveState> {
  const progress = options.onProgress ?? (() => undefined);
  const limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const found = await discover(api, { kinds: options.kinds, includeSecrets: options.includeSecrets === true, limit });
  if (!found.ok) {
    const error = `API discovery failed at ${safeServer(server)}: ${found.error}`;
    progress(error);
    return { origin, objects: [], lists: [], complete: false, clusterScopedKinds: [], error };
  }
  const { types, clusterScopedKinds, failures, unservedKinds } = found.discovery;
  for (const failure of failures) progress(failure.error ?? `discovery of ${failure.group}/${failure.version} failed`);
  for (const key of unservedKinds) progress(`not served by the cluster: ${key}`);
  const targets = listTargets(types, options.namespaces);
  progress(`discovered ${types.length} resource types to list (${targets.length} lists)`);
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const results = await Promise.all(targets.map((target) => limit(() => listTarget(api, target, pageSize, progress))));
  const lists = [...failures, ...results.map((result) => result.outcome)];
  const { objects, warnings } = withCheckedManagedFields(results.flatMap((result) => result.objects));
  for (const warning of warnings) progress(`warning: ${warning}`);
  return {
    origin,
    objects,
    lists,
    complete: lists.every((list) => list.status === 'listed'),
    clusterScopedKinds,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function listTargets(types: ResourceType[], namespaces: string[] | undefined): ListTarget[] {
  const scoped = namespaces && namespaces.length > 0 ? [...new Set(namespaces)] : undefined;
  return types.flatMap((type) => {
    if (!type.namespaced || !scoped) return [{ type }];
    return scoped.map((namespace) => ({ type, namespace }));
  });
}

/** One list, restarted from the first page when its continue token expires mid-way (410 Gone). */
async function listTarget(
  api: ApiTransport,
  target: ListTarget,
  pageSize: number,
  progress: (message: string) => void,
): Promise<ListResult> {
  for (let restarts = 0; restarts <= MAX_LIST_RESTARTS; restarts++) {
    const pass = await listAllPages(api, target, pageSize);
    if (pass.status !== 'expired') return finish(target, pass, progress);
    if (restarts < MAX_LIST_RESTARTS)
      progress(`restarting list of ${describeTarget(target)}: continue token expired (410 Gone)`);
  }
  const error = `continue token expired (410 Gone) ${MAX_LIST_RESTARTS + 1} times; gave up`;
  return finish(target, { status: 'failed', error }, progress);
}

async function listAllPages(api: ApiTransport, target: ListTarget, pageSize: number): Promise<PassResult> {
  const objects: KubeObject[] = [];
  let continueToken: string | undefined;
  do {
    const query: Record<string, string> = { limit: String(pageSize) };
    if (continueToken) query['continue'] = continueToken;
    const response = await api.get(collectionPath(target), query);
    if (!response.ok) {
      if (response.status === 410 && continueToken) return { status: 'expired' };
      return { status: response.status === 403 ? 'forbidden' : 'failed', error: response.error };
    }
    const page = readPage(response.body, target.type);
    if (!page) return { status: 'failed', error: 'response is not a list' };
    for (const object of page.objects) objects.push(object);
    // A server that hands back the token it was given would page forever.
    if (page.continueToken && page.continueToken === continueToken)
      return { status: 'failed', error: 'server repeated the continue token' };
    continueToken = page.continueToken;
  } while (continueToken);
  return { status: 'listed', objects };
}

function collectionPath(target: ListTarget): string {
  const { group, version, apiVersion, resource } = target.type;
  const root = group === '' ? `/api/${version}` : `/apis/${apiVersion}`;
  const namespace = target.namespace === undefined ? '' : `/namespaces/${encodeURIComponent(target.namespace)}`;
  return `${root}${namespace}/${resource}`;
}

/** Items of a LIST response carry no apiVersion/kind: they come from the type listed. managedFields are kept as sent. */
function readPage(body: unknown, type: ResourceType): { objects: KubeObject[]; continueToken?: string } | undefined {
  if (!isPlainObject(body) || !Array.isArray(body['items'])) return undefined;
  const objects = body['items'].flatMap((item: unknown) => {
    const object = withTypeMeta(item, type.apiVersion, type.kind);
    return object ? [object] : [];
  });
  const metadata = body['metadata'];
  const token = isPlainObject(metadata) && typeof metadata['continue'] === 'string' ? metadata['continue'] : '';
  return token ? { objects, continueToken: token } : { objects };
}

function finish(
  target: ListTarget,
  pass: Exclude<PassResult, { status: 'expired' }>,
  progress: (message: string) => void,
): ListResult {
  const { group, version, resource, kind } = target.type;
  const outcome: ListOutcome = { group, version, resource, kind, status: pass.status, count: 0 };
  if (target.namespace !== undefined) outcome.namespace = target.namespace;
  if (pass.status === 'listed') {
    outcome.count = pass.objects.length;
    progress(`listed ${describeTarget(target)} (${plural(pass.objects.length, 'object')})`);
    return { outcome, objects: pass.objects };
  }
  outcome.error = pass.error;
  progress(`${pass.status === 'forbidden' ? 'forbidden' : 'failed'}: ${describeTarget(target)} (${pass.error})`);
  return { outcome, objects: [] };
}

/** `apps/v1 deployments`, `v1 configmaps in shop`. */
function describeTarget(target: ListTarget): string {
  const base = `${target.type.apiVersion} ${target.type.resource}`;
  return target.namespace === undefined ? base : `${base} in ${target.namespace}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The server URL for messages, without userinfo or query that could hold credentials. */
function safeServer(server: string): string {
  try {
    const url = new URL(server);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return 'the configured server';
  }
}
