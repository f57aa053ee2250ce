import type { LimitFunction } from 'p-limit';
import type { GroupKind } from '../kube/kinds.ts';
import { kindKey, parseKindKey } from '../kube/kinds.ts';
import { isPlainObject } from '../kube/object.ts';
import type { ApiTransport, MediaType } from './transport.ts';
import type { ListOutcome } from './types.ts';

/** One listable resource type, at its group's preferred version. */
export interface ResourceType extends GroupKind {
  version: string;
  /** `apps/v1`, or `v1` for the core group. */
  apiVersion: string;
  /** Plural resource name used in URLs: `deployments`. */
  resource: string;
  namespaced: boolean;
}

export interface DiscoveryOptions {
  /** Only these kinds (group + kind); the skip list then does not apply. */
  kinds?: GroupKind[];
  /** List Secrets even when `kinds` is not given. */
  includeSecrets: boolean;
  limit: LimitFunction;
}

export interface Discovery {
  /** Types to list, sorted by group then resource. */
  types: ResourceType[];
  /** Every discovered cluster-scoped kind as `group/Kind`, listed or not. */
  clusterScopedKinds: string[];
  /** Group-versions whose resource list could not be read: what they serve is unknown, so the state is incomplete. */
  failures: ListOutcome[];
  /** Requested kinds (`group/Kind`) that no discovered group-version serves. */
  unservedKinds: string[];
}

export type DiscoveryResult = { ok: true; discovery: Discovery } | { ok: false; error: string };

/*
 * Skip list, applied only when the caller does not name kinds. These types are computed on read, ephemeral or
 * rewritten every few seconds: nobody declares them in Git, and listing them only costs API load and report noise.
 */
const SKIPPED_GROUPS = new Set([
  'metrics.k8s.io', // PodMetrics/NodeMetrics: usage samples computed on read
  'custom.metrics.k8s.io',
  'external.metrics.k8s.io',
  'coordination.k8s.io', // Lease/LeaseCandidate: leader-election and node heartbeats renewed every few seconds
  'internal.apiserver.k8s.io', // StorageVersion: API server bookkeeping
]);
const SKIPPED_RESOURCES = new Set([
  '/events', // ephemeral, high churn, expire after an hour
  'events.k8s.io/events',
  '/componentstatuses', // deprecated pseudo-objects computed on read
  '/bindings', // create-only (pod scheduling)
]);
/** Create-only review requests (tokenreviews, subjectaccessreviews, ...): nothing is stored to list. */
const REVIEW_SUFFIX = 'reviews';
/** Least privilege: Secrets are read only when asked for, by `kinds` or `includeSecrets`. */
const SECRETS = '/secrets';

interface GroupVersion {
  group: string;
  version: string;
  groupVersion: string;
}

interface DiscoveredResource extends ResourceType {
  verbs: string[];
}

/*
 * Aggregated discovery (KEP-3352; apidiscovery.k8s.io/v2 from Kubernetes 1.30, v2beta1 in 1.26–1.29): `/api` and
 * `/apis` answer with every group, version and resource in one document each, so discovery is two requests instead of
 * two plus one per group. The Accept list is client-go's (k8s.io/client-go/discovery/discovery_client.go
 * `acceptDiscoveryFormats`): a server that does not offer it answers plain `application/json` (APIVersions,
 * APIGroupList), and each group's resource list is then read as before.
 */
const DISCOVERY_GROUP = 'apidiscovery.k8s.io';
const AGGREGATED_VERSIONS = new Set(['v2', 'v2beta1']);
const AGGREGATED_KIND = 'APIGroupDiscoveryList';
export const AGGREGATED_DISCOVERY_ACCEPT = [
  `application/json;g=${DISCOVERY_GROUP};v=v2;as=${AGGREGATED_KIND}`,
  `application/json;g=${DISCOVERY_GROUP};v=v2beta1;as=${AGGREGATED_KIND}`,
  'application/json',
].join(',');
/** `freshness` of a version whose aggregated API server could not be reached: the resources shown may be out of date. */
const STALE = 'Stale';

/**
 * Reads `/api` and `/apis`, asking for aggregated discovery; for a document in the legacy form, then the resource list
 * of each in-scope group's preferred version.
 */
export async function discover(api: ApiTransport, options: DiscoveryOptions): Promise<DiscoveryResult> {
  const [core, groups] = await Promise.all([
    options.limit(() => api.get('/api', {}, AGGREGATED_DISCOVERY_ACCEPT)),
    options.limit(() => api.get('/apis', {}, AGGREGATED_DISCOVERY_ACCEPT)),
  ]);
  if (!core.ok) return { ok: false, error: `GET /api: ${core.error}` };
  if (!groups.ok) return { ok: false, error: `GET /apis: ${groups.error}` };
  const wanted = options.kinds ? new Set(options.kinds.map(kindKey)) : undefined;
  const inScope = (groupVersion: GroupVersion): boolean => isGroupInScope(groupVersion.group, wanted);
  const fetchLegacy = (groupVersions: GroupVersion[]): Promise<FetchedResources>[] =>
    groupVersions.filter(inScope).map((groupVersion) => options.limit(() => fetchResources(api, groupVersion)));
  const fetched = await Promise.all([
    ...(isAggregated(core.mediaType)
      ? aggregatedResources(core.body).filter((group) => inScope(group.groupVersion))
      : fetchLegacy(coreVersion(core.body))),
    ...(isAggregated(groups.mediaType)
      ? aggregatedResources(groups.body).filter((group) => inScope(group.groupVersion))
      : fetchLegacy(preferredVersions(groups.body))),
  ]);
  const resources = fetched.flatMap((result) => (result.ok ? result.resources : []));
  const failures = fetched.flatMap((result) => (result.ok ? [] : [result.failure]));
  const discovery: Discovery = {
    types: resources
      .filter((resource) => shouldList(resource, wanted, options.includeSecrets))
      .map(toResourceType)
      .sort(byGroupThenResource),
    clusterScopedKinds: [...new Set(resources.filter((resource) => !resource.namespaced).map(kindKey))].sort(),
    failures,
    unservedKinds: unservedKinds(wanted, resources, failures),
  };
  return { ok: true, discovery };
}

/** `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList` (or v2beta1), as client-go's `isV2ContentType` checks it. */
export function isAggregated(mediaType: MediaType): boolean {
  return (
    mediaType[''] === 'application/json' &&
    mediaType['g'] === DISCOVERY_GROUP &&
    AGGREGATED_VERSIONS.has(mediaType['v'] ?? '') &&
    mediaType['as'] === AGGREGATED_KIND
  );
}

type AggregatedGroup = FetchedResources & { groupVersion: GroupVersion };

/**
 * The groups of an APIGroupDiscoveryList, each at its preferred version: the server lists versions in preference order
 * (k8s.io/api/apidiscovery/v2 `APIGroupDiscovery.versions`), so the first one, as the legacy `preferredVersion`. A
 * preferred version marked Stale (its aggregated API server is down) is a failure like the legacy path's 503: its
 * objects are unknown, not absent. Subresources sit under their resource here and are not listed.
 */
export function aggregatedResources(body: unknown): AggregatedGroup[] {
  const items = isPlainObject(body) && Array.isArray(body['items']) ? body['items'] : [];
  return items.flatMap((item: unknown): AggregatedGroup[] => {
    if (!isPlainObject(item)) return [];
    const metadata = isPlainObject(item['metadata']) ? item['metadata'] : {};
    // The core group's entry in `/api` has no name.
    const group = typeof metadata['name'] === 'string' ? metadata['name'] : '';
    const versions = Array.isArray(item['versions']) ? item['versions'] : [];
    const preferred: unknown = versions[0];
    if (!isPlainObject(preferred) || typeof preferred['version'] !== 'string') return [];
    const version = preferred['version'];
    const groupVersion: GroupVersion = { group, version, groupVersion: group === '' ? version : `${group}/${version}` };
    if (preferred['freshness'] === STALE) {
      return [
        {
          groupVersion,
          ok: false,
          failure: discoveryFailure(
            groupVersion,
            'failed',
            'its aggregated API server is unavailable (freshness Stale)',
          ),
        },
      ];
    }
    const entries = Array.isArray(preferred['resources']) ? preferred['resources'] : [];
    return [
      {
        groupVersion,
        ok: true,
        resources: entries.flatMap((entry: unknown) => aggregatedResource(entry, groupVersion)),
      },
    ];
  });
}

/** One APIResourceDiscovery; like client-go (aggregated_discovery.go `convertAPIResource`), one without a kind is skipped. */
function aggregatedResource(entry: unknown, groupVersion: GroupVersion): DiscoveredResource[] {
  if (!isPlainObject(entry)) return [];
  const { resource: name, responseKind, scope } = entry;
  const kind = isPlainObject(responseKind) ? responseKind['kind'] : undefined;
  if (typeof name !== 'string' || typeof kind !== 'string' || kind === '' || name.includes('/')) return [];
  return [
    {
      group: groupVersion.group,
      version: groupVersion.version,
      apiVersion: groupVersion.groupVersion,
      resource: name,
      kind,
      namespaced: scope === 'Namespaced',
      verbs: stringsOf(entry['verbs']),
    },
  ];
}

/** The core group has one version in practice; prefer `v1` should a server ever offer more. */
function coreVersion(body: unknown): GroupVersion[] {
  const versions = isPlainObject(body) ? stringsOf(body['versions']) : [];
  const version = versions.includes('v1') ? 'v1' : versions[0];
  return version ? [{ group: '', version, groupVersion: version }] : [];
}

function preferredVersions(body: unknown): GroupVersion[] {
  const groups = isPlainObject(body) && Array.isArray(body['groups']) ? body['groups'] : [];
  return groups.flatMap((group: unknown) => {
    const preferred = preferredVersionOf(group);
    return preferred ? [preferred] : [];
  });
}

function preferredVersionOf(group: unknown): GroupVersion | undefined {
  if (!isPlainObject(group) || typeof group['name'] !== 'string') return undefined;
  const versions = Array.isArray(group['versions']) ? group['versions'] : [];
  const chosen: unknown = group['preferredVersion'] ?? versions[0];
  if (!isPlainObject(chosen) || typeof chosen['groupVersion'] !== 'string' || typeof chosen['version'] !== 'string') {
    return undefined;
  }
  return { group: group['name'], version: chosen['version'], groupVersion: chosen['groupVersion'] };
}

function isGroupInScope(group: string, wanted: Set<string> | undefined): boolean {
  if (!wanted) return !SKIPPED_GROUPS.has(group);
  return [...wanted].some((key) => key.startsWith(`${group}/`));
}

type FetchedResources = { ok: true; resources: DiscoveredResource[] } | { ok: false; failure: ListOutcome };

async function fetchResources(api: ApiTransport, groupVersion: GroupVersion): Promise<FetchedResources> {
  const path = groupVersion.group === '' ? `/api/${groupVersion.version}` : `/apis/${groupVersion.groupVersion}`;
  const response = await api.get(path);
  if (response.ok) return { ok: true, resources: resourcesOf(response.body, groupVersion) };
  // Aggregated APIs whose backend is down answer 503 here: their objects are unknown, not absent.
  return {
    ok: false,
    failure: discoveryFailure(groupVersion, response.status === 403 ? 'forbidden' : 'failed', response.error),
  };
}

function discoveryFailure(groupVersion: GroupVersion, status: 'forbidden' | 'failed', reason: string): ListOutcome {
  return {
    group: groupVersion.group,
    version: groupVersion.version,
    resource: '*',
    kind: '*',
    status,
    count: 0,
    error: `discovery of ${groupVersion.groupVersion} failed: ${reason}`,
  };
}

/** Top-level resources of an APIResourceList; subresources (`pods/log`, `deployments/scale`) are not objects to list. */
function resourcesOf(body: unknown, groupVersion: GroupVersion): DiscoveredResource[] {
  const entries = isPlainObject(body) && Array.isArray(body['resources']) ? body['resources'] : [];
  return entries.flatMap((entry: unknown) => {
    if (!isPlainObject(entry)) return [];
    const { name, kind, namespaced } = entry;
    if (typeof name !== 'string' || typeof kind !== 'string' || name.includes('/')) return [];
    const resource: DiscoveredResource = {
      group: groupVersion.group,
      version: groupVersion.version,
      apiVersion: groupVersion.groupVersion,
      resource: name,
      kind,
      namespaced: namespaced === true,
      verbs: stringsOf(entry['verbs']),
    };
    return [resource];
  });
}

function shouldList(resource: DiscoveredResource, wanted: Set<string> | undefined, includeSecrets: boolean): boolean {
  if (!resource.verbs.includes('list')) return false;
  if (wanted) return wanted.has(kindKey(resource));
  const key = `${resource.group}/${resource.resource}`;
  if (SKIPPED_RESOURCES.has(key) || resource.resource.endsWith(REVIEW_SUFFIX)) return false;
  return key !== SECRETS || includeSecrets;
}

function unservedKinds(
  wanted: Set<string> | undefined,
  resources: DiscoveredResource[],
  failures: ListOutcome[],
): string[] {
  if (!wanted) return [];
  const served = new Set(resources.map(kindKey));
  const failedGroups = new Set(failures.map((failure) => failure.group));
  return [...wanted].filter((key) => !served.has(key) && !failedGroups.has(parseKindKey(key)?.group ?? '')).sort();
}

function toResourceType(resource: DiscoveredResource): ResourceType {
  const { group, version, apiVersion, resource: name, kind, namespaced } = resource;
  return { group, version, apiVersion, resource: name, kind, namespaced };
}

/**
 * Code-unit order: group and resource names are lowercase DNS labels, so this is the order `localeCompare` gave,
 * without loading ICU's collator (about 30 ms of a cluster audit's start, in its CPU profile).
 */
function byGroupThenResource(a: ResourceType, b: ResourceType): number {
  return compareText(a.group, b.group) || compareText(a.resource, b.resource);
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item: unknown): item is string => typeof item === 'string') : [];
}
