import { describe, expect, test } from 'vitest';
import type { LiveState } from '../../../lib/cluster/types.ts';
import { randomBytes } from 'node:crypto';
import { crdFieldSchemas } from '../../../lib/diff/crd-schema.ts';
import { computeDrift } from '../../../lib/diff/drift.ts';
import { fieldRulesCatalog } from '../../../lib/diff/field-rules.ts';
import { diffObject } from '../../../lib/diff/object.ts';
import { placeOf } from '../../../lib/diff/path.ts';
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
              headers: {
                type: 'array',
                'x-kubernetes-list-type': 'map',
                'x-kubernetes-list-map-keys': ['name', 'scope'],
                items: { type: 'object' },
              },
            },
          },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: STRING },
        hosts: { type: 'array', items: STRING },
        pinned: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: STRING },
        routes: {
          type: 'object',
          additionalProperties: { type: 'array', 'x-kubernetes-list-type': 'set', items: STRING },
        },
        plugins: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        replicas: { type: 'integer' },
      },
    },
  },
};

/** A CRD whose storage version publishes `schema`; an older served version says every list is atomic. */
function gatewayCrd(schema: Schema = GATEWAY_SCHEMA): KubeObject {
  const legacy: Schema = {
    type: 'object',
    properties: { spec: { type: 'object', properties: { endpoints: { type: 'array', items: { type: 'object' } } } } },
  };
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

const WITH_EXTRA_ENDPOINT: GatewaySpec = {
  ...DECLARED_SPEC,
  endpoints: [...DECLARED_SPEC.endpoints, { name: 'extra', url: 'http://x' }],
};
const EXTRA_ENDPOINT_EDIT = entry('ops-console', 'Update', EDITED_AT, {
  'f:spec': { 'f:endpoints': { 'k:{"name":"extra"}': { '.': {}, 'f:name': {}, 'f:url': {} } } },
});

const options = { trust: trustPolicy(), ignoreRules: [] };

describe('list strategies from a CRD schema', () => {
  const lookup = crdFieldSchemas([gatewayCrd()]);
  const strategy = (...fieldPath: string[]) => lookup.get('example.com/Gateway')?.listStrategy(fieldPath);

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
    expect(lookup.get('example.com/Route')?.listStrategy(['spec', 'endpoints'])).toBeUndefined();
    expect(lookup.get('other.example.com/Gateway')?.listStrategy(['spec', 'endpoints'])).toBeUndefined();
  });

  test('a map list without map keys, and a non-v1 CRD, fall back safely', () => {
    const keyless = crdFieldSchemas([
      gatewayCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { endpoints: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } },
          },
        },
      }),
    ]);
    expect(keyless.get('example.com/Gateway')?.listStrategy(['spec', 'endpoints'])).toEqual({ type: 'atomic' });
    const beta = crdFieldSchemas([{ ...gatewayCrd(), apiVersion: 'apiextensions.k8s.io/v1beta1' }]);
    expect(beta.get('example.com/Gateway')?.listStrategy(['spec', 'endpoints'])).toBeUndefined();
  });

  test('built-in rules come first, the CRD next, atomic last', () => {
    const place = (...names: string[]) => placeOf(names.map((field) => ({ field })));
    const withSchema = fieldRulesCatalog([gatewayCrd()]).forKind('example.com', 'Gateway');
    const builtInOnly = fieldRulesCatalog().forKind('example.com', 'Gateway');
    expect(withSchema.listStrategy(place('spec', 'endpoints'))).toEqual({
      type: 'keyed',
      keys: ['name'],
      defaults: {},
    });
    expect(withSchema.listStrategy(place('metadata', 'finalizers'))).toEqual({ type: 'set' });
    expect(builtInOnly.listStrategy(place('spec', 'endpoints'))).toEqual({ type: 'atomic' });
    expect(withSchema.listStrategy(place('spec', 'missing'))).toEqual({ type: 'atomic' });
  });
});

describe('computeDrift finds the CRDs', () => {
  function liveState(objects: KubeObject[]): LiveState {
    // The kinds the read listed: a CRD absent from `objects` is then unverified, not missing.
    const listedKinds = [
      ...new Set(objects.map((object) => `${object.apiVersion.split('/')[0] ?? ''}/${object.kind}`)),
    ];
    return { origin: 'test', objects, lists: [], complete: true, clusterScopedKinds: [], listedKinds };
  }

  function declaredOf(...objects: KubeObject[]): DeclaredObject[] {
    return objects.map((object, index) => ({ object, file: 'gateway.yaml', line: index * 20 + 1 }));
  }

  function gatewayChanges(declared: DeclaredObject[], live: LiveState): unknown {
    const entry = computeDrift(declared, live, { secretDigestKey: randomBytes(32) }).drift.find(
      (candidate) => candidate.kind === 'Gateway',
    );
    return entry?.changes ?? [];
  }

  test('a CRD declared in Git but not read live still gives its list types', () => {
    const declared = declaredOf(gatewayCrd(), gateway(DECLARED_SPEC));
    const live = liveState([gateway(WITH_EXTRA_ENDPOINT, [APPLIED, EXTRA_ENDPOINT_EDIT])]);
    expect(gatewayChanges(declared, live)).toMatchObject([
      { path: '/spec/endpoints/name=extra', reason: 'live-only', manager: 'ops-console' },
    ]);
    expect(
      gatewayChanges(declaredOf(gatewayCrd(), gateway(DECLARED_SPEC)), liveState([gateway(REORDERED, [APPLIED])])),
    ).toEqual([]);
  });

  test('a CRD only live gives its list types', () => {
    const live = liveState([gatewayCrd(), gateway(WITH_EXTRA_ENDPOINT, [APPLIED, EXTRA_ENDPOINT_EDIT])]);
    expect(gatewayChanges(declaredOf(gateway(DECLARED_SPEC)), live)).toMatchObject([
      { path: '/spec/endpoints/name=extra', reason: 'live-only', manager: 'ops-console' },
    ]);
  });

  test('the live CRD wins over the declared one', () => {
    const atomicSchema: Schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { endpoints: { type: 'array', items: { type: 'object' } } } } },
    };
    const declared = declaredOf(gatewayCrd(atomicSchema), gateway(DECLARED_SPEC));
    expect(gatewayChanges(declared, liveState([gatewayCrd(), gateway(ENDPOINTS_REORDERED, [APPLIED])]))).toEqual([]);
    expect(
      gatewayChanges(
        declaredOf(gatewayCrd(), gateway(DECLARED_SPEC)),
        liveState([gatewayCrd(atomicSchema), gateway(ENDPOINTS_REORDERED, [APPLIED])]),
      ),
    ).toMatchObject([{ path: '/spec/endpoints', reason: 'differs' }]);
  });

  test('no CRD in view: the old atomic behaviour', () => {
    const live = liveState([gateway(ENDPOINTS_REORDERED, [APPLIED])]);
    expect(gatewayChanges(declaredOf(gateway(DECLARED_SPEC)), live)).toMatchObject([
      { path: '/spec/endpoints', reason: 'differs' },
    ]);
  });
});

describe('schema defaults of a CRD', () => {
  /** `replicas`, `tls.mode` and each endpoint's `weight` have a `default:`; the API server fills them in. */
  const DEFAULTED_SCHEMA: Schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', default: 1 },
          tls: {
            type: 'object',
            default: {},
            properties: { mode: { type: 'string', default: 'strict' }, secretName: STRING },
          },
          endpoints: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              properties: { name: STRING, url: STRING, weight: { type: 'integer', default: 100 } },
            },
          },
          labels: { type: 'array', default: ['edge'], items: STRING },
        },
      },
    },
  };
  const DECLARED: Record<string, unknown> = { endpoints: [{ name: 'a', url: 'http://a' }] };

  /** Created by `kubectl create`: the creator (not a trusted applier) is recorded as the owner of every defaulted field. */
  function created(spec: Record<string, unknown>): KubeObject {
    const fields = entry('kubectl-create', 'Update', APPLIED_AT, {
      'f:spec': {
        'f:replicas': {},
        'f:tls': { '.': {}, 'f:mode': {} },
        'f:labels': {},
        'f:endpoints': { 'k:{"name":"a"}': { '.': {}, 'f:name': {}, 'f:url': {}, 'f:weight': {} } },
      },
    });
    return {
      apiVersion: 'example.com/v1',
      kind: 'Gateway',
      metadata: { name: 'edge', namespace: 'shop', managedFields: [fields] },
      spec,
    };
  }
  const declared = (): KubeObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'shop' },
    spec: structuredClone(DECLARED),
  });
  const defaulted = {
    replicas: 1,
    tls: { mode: 'strict' },
    labels: ['edge'],
    endpoints: [{ name: 'a', url: 'http://a', weight: 100 }],
  };
  const withDefaults = {
    ...options,
    fieldRules: fieldRulesCatalog([gatewayCrd(DEFAULTED_SCHEMA)]).forKind('example.com', 'Gateway'),
  };

  test('fields the declared object omits and the live one holds at their schema default are no drift', () => {
    expect(diffObject(declared(), created(defaulted), withDefaults).changes).toEqual([]);
  });

  test('the same fields at another value are drift, attributed to their writer', () => {
    const changed = {
      replicas: 3,
      tls: { mode: 'permissive' },
      labels: ['edge', 'canary'],
      endpoints: [{ name: 'a', url: 'http://a', weight: 5 }],
    };
    expect(
      diffObject(declared(), created(changed), withDefaults).changes.map(({ path, reason, live, manager }) => ({
        path,
        reason,
        live,
        manager,
      })),
    ).toEqual([
      { path: '/spec/endpoints/name=a/weight', reason: 'live-only', live: 5, manager: 'kubectl-create' },
      { path: '/spec/replicas', reason: 'live-only', live: 3, manager: 'kubectl-create' },
      { path: '/spec/tls/mode', reason: 'live-only', live: 'permissive', manager: 'kubectl-create' },
      { path: '/spec/labels', reason: 'live-only', live: ['edge', 'canary'], manager: 'kubectl-create' },
    ]);
  });

  test('without the CRD in view, the defaulted fields are reported as before', () => {
    const paths = diffObject(declared(), created(defaulted), options).changes.map((change) => change.path);
    expect(paths).toEqual(expect.arrayContaining(['/spec/replicas', '/spec/tls/mode', '/spec/labels']));
  });

  test('computeDrift reads the defaults of a live CRD, and of a declared one', () => {
    const key = { secretDigestKey: randomBytes(32) };
    const live = (objects: KubeObject[]): LiveState => ({
      origin: 'test',
      objects,
      lists: [],
      complete: true,
      clusterScopedKinds: [],
      listedKinds: ['example.com/Gateway', 'apiextensions.k8s.io/CustomResourceDefinition'],
    });
    const gatewayEntry = (result: ReturnType<typeof computeDrift>) =>
      result.drift.find((candidate) => candidate.kind === 'Gateway');
    expect(
      gatewayEntry(
        computeDrift(
          [{ object: declared(), file: 'g.yaml', line: 1 }],
          live([gatewayCrd(DEFAULTED_SCHEMA), created(defaulted)]),
          key,
        ),
      ),
    ).toBeUndefined();
    const both = [
      { object: gatewayCrd(DEFAULTED_SCHEMA), file: 'crd.yaml', line: 1 },
      { object: declared(), file: 'g.yaml', line: 1 },
    ];
    expect(gatewayEntry(computeDrift(both, live([created(defaulted)]), key))).toBeUndefined();
    expect(
      gatewayEntry(computeDrift([{ object: declared(), file: 'g.yaml', line: 1 }], live([created(defaulted)]), key))
        ?.status,
    ).toBe('modified');
  });

  test('the schema lookup gives defaults by field names, list steps left out', () => {
    const schema = crdFieldSchemas([gatewayCrd(DEFAULTED_SCHEMA)]).get('example.com/Gateway');
    expect(schema?.defaultAt(['spec', 'replicas'])).toEqual({ value: 1 });
    expect(schema?.defaultAt(['spec', 'endpoints', 'weight'])).toEqual({ value: 100 });
    expect(schema?.defaultAt(['spec', 'tls'])).toEqual({ value: {} });
    expect(schema?.defaultAt(['spec', 'tls', 'secretName'])).toBeUndefined();
    expect(schema?.defaultAt(['spec', 'unknown'])).toBeUndefined();
  });
});
