import { describe, expect, test } from 'vitest';
import type { LiveState } from '../../../lib/cluster/types.ts';
import { computeDrift } from '../../../lib/diff/audit.ts';
import { crdListStrategies } from '../../../lib/diff/crd-lists.ts';
import { listStrategy } from '../../../lib/diff/listkeys.ts';
import { diffObject } from '../../../lib/diff/object.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import type { KubeObject, ManagedFieldsEntry } from '../../../lib/kube/object.ts';
import type { DeclaredObject } from '../../../lib/source/types.ts';
import { entry } from './helpers.ts';

const APPLIED_AT = '2026-11-01T08:00:00Z';
const EDITED_AT = '2026-11-20T10:00:00Z';

type Schema = Record<string, unknown>;

const STRING: Schema = { type: 'string' };

/** The v1 schema: `endpoints` merge by name, `tags` are a set, `hosts` carry no list type. */
const GATEWAY_SCHEMA: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        endpoints: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: {
              name: STRING,
              url: STRING,
              headers: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name', 'scope'], items: { type: 'object' } },
            },
          },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: STRING },
        hosts: { type: 'array', items: STRING },
        pinned: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: STRING },
        routes: { type: 'object', additionalProperties: { type: 'array', 'x-kubernetes-list-type': 'set', items: STRING } },
        plugins: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        replicas: { type: 'integer' },
      },
    },
  },
};

/** A CRD whose storage version publishes `schema`; an older served version says every list is atomic. */
function gatewayCrd(schema: Schema = GATEWAY_SCHEMA): KubeObject {
  const legacy: Schema = { type: 'object', properties: { spec: { type: 'object', properties: { endpoints: { type: 'array', items: { type: 'object' } } } } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gateways.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Gateway', plural: 'gateways', singular: 'gateway' },
      scope: 'Namespaced',
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: legacy } },
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } },
      ],
    },
  };
}

interface GatewaySpec {
  endpoints: Array<Record<string, unknown>>;
  tags: string[];
}

function gateway(spec: GatewaySpec, managedFields?: ManagedFieldsEntry[]): KubeObject {
  const metadata: KubeObject['metadata'] = { name: 'edge', namespace: 'shop' };
  if (managedFields) metadata.managedFields = managedFields;
  return { apiVersion: 'example.com/v1', kind: 'Gateway', metadata, spec };
}

const DECLARED_SPEC: GatewaySpec = {
  endpoints: [
    { name: 'a', url: 'http://a' },
    { name: 'b', url: 'http://b' },
  ],
  tags: ['blue', 'green'],
};

/** What `kubectl apply --server-side` records for the declared spec. */
const APPLIED: ManagedFieldsEntry = entry('kubectl', 'Apply', APPLIED_AT, {
  'f:spec': {
    'f:endpoints': {
      'k:{"name":"a"}': { '.': {}, 'f:name': {}, 'f:url': {} },
      'k:{"name":"b"}': { '.': {}, 'f:name': {}, 'f:url': {} },
    },
    'f:tags': { 'v:"blue"': {}, 'v:"green"': {} },
  },
});

const REORDERED: GatewaySpec = { endpoints: [...DECLARED_SPEC.endpoints].reverse(), tags: ['green', 'blue'] };
const ENDPOINTS_REORDERED: GatewaySpec = { ...DECLARED_SPEC, endpoints: [...DECLARED_SPEC.endpoints].reverse() };

const WITH_EXTRA_ENDPOINT: GatewaySpec = { ...DECLARED_SPEC, endpoints: [...DECLARED_SPEC.endpoints, { name: 'extra', url: 'http://x' }] };
const EXTRA_ENDPOINT_EDIT = entry('ops-console', 'Update', EDITED_AT, {
  'f:spec': { 'f:endpoints': { 'k:{"name":"extra"}': { '.': {}, 'f:name': {}, 'f:url': {} } } },
});

const options = { trust: trustPolicy(), ignoreRules: [] };
const withCrd = { ...options, crdLists: crdListStrategies([gatewayCrd()]) };

describe('list strategies from a CRD schema', () => {
  const lookup = crdListStrategies([gatewayCrd()]);
  const strategy = (...fieldPath: string[]) => lookup.strategy('example.com', 'Gateway', fieldPath);

  test('map, set and atomic list types of the storage version', () => {
    expect(strategy('spec', 'endpoints')).toEqual({ type: 'keyed', keys: ['name'], defaults: {} });
    expect(strategy('spec', 'tags')).toEqual({ type: 'set' });
    expect(strategy('spec', 'pinned')).toEqual({ type: 'atomic' });
    expect(strategy('spec', 'hosts')).toEqual({ type: 'atomic' });
  });

  test('list steps are implicit: a list inside list items, and map values, are reached by field names', () => {
    expect(strategy('spec', 'endpoints', 'headers')).toEqual({ type: 'keyed', keys: ['name', 'scope'], defaults: {} });
    expect(strategy('spec', 'routes', 'internal')).toEqual({ type: 'set' });
  });

  test('no strategy for unknown fields, preserved unknown fields, non-lists or kinds without a CRD', () => {
    expect(strategy('spec', 'missing')).toBeUndefined();
    expect(strategy('spec', 'plugins', 'chain')).toBeUndefined();
    expect(strategy('spec', 'replicas')).toBeUndefined();
    expect(lookup.strategy('example.com', 'Route', ['spec', 'endpoints'])).toBeUndefined();
    expect(lookup.strategy('other.example.com', 'Gateway', ['spec', 'endpoints'])).toBeUndefined();
  });

  test('a map list without map keys, and a non-v1 CRD, fall back safely', () => {
    const keyless = crdListStrategies([gatewayCrd({ type: 'object', properties: { spec: { type: 'object', properties: { endpoints: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } } } } })]);
    expect(keyless.strategy('example.com', 'Gateway', ['spec', 'endpoints'])).toEqual({ type: 'atomic' });
    const beta = crdListStrategies([{ ...gatewayCrd(), apiVersion: 'apiextensions.k8s.io/v1beta1' }]);
    expect(beta.strategy('example.com', 'Gateway', ['spec', 'endpoints'])).toBeUndefined();
  });

  test('built-in rules come first, the CRD next, atomic last', () => {
    const path = (...names: string[]) => names.map((field) => ({ field }));
    expect(listStrategy('example.com', 'Gateway', path('spec', 'endpoints'), lookup)).toEqual({ type: 'keyed', keys: ['name'], defaults: {} });
    expect(listStrategy('example.com', 'Gateway', path('metadata', 'finalizers'), lookup)).toEqual({ type: 'set' });
    expect(listStrategy('example.com', 'Gateway', path('spec', 'endpoints'))).toEqual({ type: 'atomic' });
    expect(listStrategy('example.com', 'Gateway', path('spec', 'missing'), lookup)).toEqual({ type: 'atomic' });
  });
});

describe('custom resource lists compared with the CRD in view', () => {
  test('reordered endpoints and tags are no drift', () => {
    const diff = diffObject(gateway(DECLARED_SPEC), gateway(REORDERED, [APPLIED]), withCrd);
    expect(diff.changes).toEqual([]);
  });

  test('an endpoint added live by a foreign manager is one live-only item, attributed to that manager', () => {
    const diff = diffObject(gateway(DECLARED_SPEC), gateway(WITH_EXTRA_ENDPOINT, [APPLIED, EXTRA_ENDPOINT_EDIT]), withCrd);
    expect(diff.changes).toEqual([
      { path: '/spec/endpoints/name=extra', reason: 'live-only', live: { name: 'extra', url: 'http://x' }, manager: 'ops-console', operation: 'Update', time: EDITED_AT },
    ]);
  });

  test('a set member added live is one live-only member', () => {
    const edit = entry('ops-console', 'Update', EDITED_AT, { 'f:spec': { 'f:tags': { 'v:"red"': {} } } });
    const diff = diffObject(gateway(DECLARED_SPEC), gateway({ ...DECLARED_SPEC, tags: ['blue', 'green', 'red'] }, [APPLIED, edit]), withCrd);
    expect(diff.changes).toMatchObject([{ path: '/spec/tags/2', reason: 'live-only', live: 'red', manager: 'ops-console' }]);
    expect(diff.changes).toHaveLength(1);
  });

  test('without the CRD, the list compares whole as before', () => {
    const diff = diffObject(gateway(DECLARED_SPEC), gateway(WITH_EXTRA_ENDPOINT, [APPLIED, EXTRA_ENDPOINT_EDIT]), options);
    expect(diff.changes).toMatchObject([{ path: '/spec/endpoints', reason: 'differs' }]);
    expect(diff.changes).toHaveLength(1);
  });
});

describe('computeDrift finds the CRDs', () => {
  function liveState(objects: KubeObject[]): LiveState {
    // The kinds the read listed: a CRD absent from `objects` is then unverified, not missing.
    const listedKinds = [...new Set(objects.map((object) => `${object.apiVersion.split('/')[0] ?? ''}/${object.kind}`))];
    return { origin: 'test', objects, lists: [], complete: true, clusterScopedKinds: [], listedKinds };
  }

  function declaredOf(...objects: KubeObject[]): DeclaredObject[] {
    return objects.map((object, index) => ({ object, file: 'gateway.yaml', line: index * 20 + 1 }));
  }

  function gatewayChanges(declared: DeclaredObject[], live: LiveState): unknown {
    const entry = computeDrift(declared, live).drift.find((candidate) => candidate.kind === 'Gateway');
    return entry?.changes ?? [];
  }

  test('a CRD declared in Git but not read live still gives its list types', () => {
    const declared = declaredOf(gatewayCrd(), gateway(DECLARED_SPEC));
    const live = liveState([gateway(WITH_EXTRA_ENDPOINT, [APPLIED, EXTRA_ENDPOINT_EDIT])]);
    expect(gatewayChanges(declared, live)).toMatchObject([{ path: '/spec/endpoints/name=extra', reason: 'live-only', manager: 'ops-console' }]);
    expect(gatewayChanges(declaredOf(gatewayCrd(), gateway(DECLARED_SPEC)), liveState([gateway(REORDERED, [APPLIED])]))).toEqual([]);
  });

  test('a CRD only live gives its list types', () => {
    const live = liveState([gatewayCrd(), gateway(WITH_EXTRA_ENDPOINT, [APPLIED, EXTRA_ENDPOINT_EDIT])]);
    expect(gatewayChanges(declaredOf(gateway(DECLARED_SPEC)), live)).toMatchObject([{ path: '/spec/endpoints/name=extra', reason: 'live-only', manager: 'ops-console' }]);
  });

  test('the live CRD wins over the declared one', () => {
    const atomicSchema: Schema = { type: 'object', properties: { spec: { type: 'object', properties: { endpoints: { type: 'array', items: { type: 'object' } } } } } };
    const declared = declaredOf(gatewayCrd(atomicSchema), gateway(DECLARED_SPEC));
    expect(gatewayChanges(declared, liveState([gatewayCrd(), gateway(ENDPOINTS_REORDERED, [APPLIED])]))).toEqual([]);
    expect(gatewayChanges(declaredOf(gatewayCrd(), gateway(DECLARED_SPEC)), liveState([gatewayCrd(atomicSchema), gateway(ENDPOINTS_REORDERED, [APPLIED])]))).toMatchObject([
      { path: '/spec/endpoints', reason: 'differs' },
    ]);
  });

  test('no CRD in view: the old atomic behaviour', () => {
    const live = liveState([gateway(ENDPOINTS_REORDERED, [APPLIED])]);
    expect(gatewayChanges(declaredOf(gateway(DECLARED_SPEC)), live)).toMatchObject([{ path: '/spec/endpoints', reason: 'differs' }]);
  });
});
