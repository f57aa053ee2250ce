import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SnapshotError, parseSnapshot, readSnapshot } from '../../../lib/cluster/snapshot.ts';

/** What `kubectl get deploy,clusterrole -o json --show-managed-fields` prints: a `List` whose items carry their type. */
const KUBECTL_JSON = JSON.stringify(
  {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { resourceVersion: '' },
    items: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'web',
          namespace: 'shop',
          managedFields: [
            {
              manager: 'kubectl',
              operation: 'Apply',
              apiVersion: 'apps/v1',
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:spec': { 'f:replicas': {} } },
            },
          ],
        },
        spec: { replicas: 3 },
      },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'viewer' }, rules: [] },
    ],
  },
  null,
  2,
);

function snapshotErrorOf(parse: () => unknown): SnapshotError {
  try {
    parse();
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  throw new Error('expected a SnapshotError');
}

describe('parseSnapshot', () => {
  test('reads the items of a List printed by kubectl get -o json, keeping managedFields', () => {
    const state = parseSnapshot(KUBECTL_JSON, 'live.json');

    expect(state.origin).toBe('live.json');
    expect(state.complete).toBe(true);
    expect(state.lists).toEqual([]);
    expect(state.objects.map((object) => `${object.apiVersion} ${object.kind} ${object.metadata.name}`)).toEqual([
      'apps/v1 Deployment web',
      'rbac.authorization.k8s.io/v1 ClusterRole viewer',
    ]);
    expect(state.objects[0]?.metadata.managedFields?.[0]?.manager).toBe('kubectl');
  });

  test('derives cluster-scoped kinds from objects without a namespace', () => {
    const state = parseSnapshot(KUBECTL_JSON, 'live.json');

    expect(state.clusterScopedKinds).toEqual(['rbac.authorization.k8s.io/ClusterRole']);
  });

  test('fills apiVersion and kind of typed list items from the list kind', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: DeploymentList',
      'metadata: {resourceVersion: "99"}',
      'items:',
      '- metadata: {name: web, namespace: shop}',
      '  spec: {replicas: 2}',
      '- apiVersion: apps/v1beta2',
      '  kind: Deployment',
      '  metadata: {name: api, namespace: shop}',
    ].join('\n');

    const state = parseSnapshot(text, 'deployments.yaml');

    expect(state.objects).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { replicas: 2 },
      },
      { apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } },
    ]);
  });

  test('reads every document of multi-document YAML, Lists and single objects alike, skipping non-objects', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: settings, namespace: shop}',
      'data: {mode: fast}',
      '---',
      '# only a comment',
      '---',
      'just a string',
      '---',
      '- a',
      '- sequence',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}',
      '- {metadata: {name: untyped}}',
      '- 42',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {namespace: shop}',
    ].join('\n');

    const state = parseSnapshot(text, 'multi.yaml');

    expect(state.objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'ConfigMap/settings',
      'Namespace/shop',
    ]);
  });

  test('reads a single object', () => {
    const state = parseSnapshot('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}', 'ns.json');

    expect(state.objects).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
    expect(state.clusterScopedKinds).toEqual(['/Namespace']);
  });

  test('treats a named object whose kind ends in List as an object, not a list', () => {
    const state = parseSnapshot(
      'apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: office}\nitems: [a, b]\n',
      'crd.yaml',
    );

    expect(state.objects.map((object) => object.kind)).toEqual(['AllowList']);
  });

  test('reads an empty file as no objects', () => {
    expect(parseSnapshot('', 'empty.yaml').objects).toEqual([]);
  });

  test('reports a YAML syntax error with file and line, without quoting the content', () => {
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: db, namespace: shop}',
      'stringData:',
      '  password: "hunter2-top-secret',
      '',
    ].join('\n');

    const error = snapshotErrorOf(() => parseSnapshot(text, 'live/secret.yaml'));

    expect(error.message).toMatch(/^live\/secret\.yaml:\d+: invalid YAML/);
    expect(error.file).toBe('live/secret.yaml');
    expect(error.line).toBeGreaterThanOrEqual(5);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('password');
  });

  test('cuts quoted fragments out of the YAML error reason', () => {
    expect(() => parseSnapshot('a: 1\nb: *hunter2\n', 'alias.yaml')).toThrow(
      /^alias\.yaml:2: invalid YAML: unidentified alias "…"$/,
    );
  });

  test('a YAML alias bomb is refused at once, as in manifests', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 12; level++)
      levels.push(
        `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + level)}`)
          .join(',')}]`,
      );
    const started = Date.now();
    expect(() =>
      parseSnapshot(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  ${levels.join('\n  ')}\n`,
        'bomb.yaml',
      ),
    ).toThrow('bomb.yaml: invalid YAML: aliases expand beyond a sensible size');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('JSON or YAML nested deeper than the limit is refused, naming the file', () => {
    const deepJson = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(() => parseSnapshot(deepJson, 'deep.json')).toThrow('deep.json: nested deeper than 100 levels');
    const withinLimit = `{"apiVersion":"v1","kind":"List","items":[],"x":${'['.repeat(90)}"[[[[{{{{"${']'.repeat(90)}}`;
    expect(parseSnapshot(withinLimit, 'ok.json').objects).toEqual([]);
    expect(() => parseSnapshot(`${'- '.repeat(200)}x\n`, 'deep.yaml')).toThrow(
      /^deep\.yaml:\d+: invalid YAML: .*maxDepth/,
    );
  });
});

describe('readSnapshot', () => {
  let folder = '';

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'driftwatch-snapshot-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  test('reads a snapshot file, with the path as origin', async () => {
    const path = join(folder, 'live.json');
    await writeFile(path, `\uFEFF${KUBECTL_JSON}`);

    const state = await readSnapshot(path);

    expect(state.origin).toBe(path);
    expect(state.objects).toHaveLength(2);
  });

  test('rejects a missing file with a SnapshotError naming it', async () => {
    const path = join(folder, 'missing.yaml');

    await expect(readSnapshot(path)).rejects.toThrow(
      new SnapshotError(path, undefined, 'cannot read snapshot (file not found)'),
    );
    await expect(readSnapshot(path)).rejects.toBeInstanceOf(SnapshotError);
  });

  test('names the file and line of a syntax error', async () => {
    const path = join(folder, 'broken.yaml');
    await writeFile(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n bad: indent\n');

    await expect(readSnapshot(path)).rejects.toThrow(`${path}:5: invalid YAML`);
  });

  /** The same file read by the stream (readSnapshot) and whole (parseSnapshot): the same live state. */
  async function bothWays(name: string, text: string): Promise<{ streamed: unknown; whole: unknown }> {
    const path = join(folder, name);
    await writeFile(path, text);
    return { streamed: await readSnapshot(path), whole: parseSnapshot(text, path) };
  }

  test('streams a JSON List to the same live state as reading it whole: typed lists, nested lists, clock, warnings', async () => {
    const typed = {
      apiVersion: 'apps/v1',
      kind: 'DeploymentList',
      metadata: { annotations: { 'driftwatch.io/captured-kinds': 'ReplicaSet.apps' } },
      items: [
        {
          metadata: { name: 'untyped', namespace: 'shop', creationTimestamp: '2026-04-01T00:00:00Z' },
          spec: { replicas: 1 },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'typed', namespace: 'shop', managedFields: [null] },
        },
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: 'shop', creationTimestamp: '2026-04-02T00:00:00Z' },
            },
          ],
        },
        'not an object',
      ],
    };
    const { streamed, whole } = await bothWays('typed.json', JSON.stringify(typed, null, 4));
    expect(streamed).toEqual(whole);
    expect(streamed).toMatchObject({
      objects: [
        { kind: 'Deployment', metadata: { name: 'untyped' } },
        { kind: 'Deployment', metadata: { name: 'typed' } },
        { kind: 'Namespace' },
      ],
      listedKinds: ['/Namespace', 'apps/Deployment', 'apps/ReplicaSet'],
      clusterScopedKinds: ['/Namespace'],
      clock: { source: 'snapshot', at: '2026-04-02T00:00:00.000Z' },
      warnings: [
        'Deployment shop/typed: metadata.managedFields entry 0 is not a mapping; its changes are not attributed',
      ],
    });
    for (const [name, text] of [
      ['kubectl.json', KUBECTL_JSON],
      ['single.json', '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}'],
      [
        'named-list.json',
        '{"apiVersion": "example.com/v1", "kind": "AllowList", "metadata": {"name": "office"}, "items": [{"a": 1}]}',
      ],
      ['yaml-flow.json', '{apiVersion: v1, kind: Namespace, metadata: {name: shop}}'],
    ] as const) {
      const both = await bothWays(name, text);
      expect(both.streamed, name).toEqual(both.whole);
    }
  });

  test('refuses a JSON snapshot nested too deep, and names the file of a truncated one', async () => {
    const deep = join(folder, 'deep.json');
    await writeFile(
      deep,
      JSON.stringify({ kind: 'List', items: [JSON.parse(`${'['.repeat(120)}${']'.repeat(120)}`)] }),
    );
    await expect(readSnapshot(deep)).rejects.toThrow(
      new SnapshotError(deep, undefined, 'nested deeper than 100 levels'),
    );

    const truncated = join(folder, 'truncated.json');
    await writeFile(truncated, KUBECTL_JSON.slice(0, KUBECTL_JSON.length / 2));
    const error = await readSnapshot(truncated).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SnapshotError);
    expect(error).toMatchObject({
      file: truncated,
      message: expect.stringMatching(/^.*truncated\.json:\d+: invalid YAML: /),
    });
  });

  test('drops the objects of other kinds, or their field sets, still counting them as held, for scope and the clock', async () => {
    const path = join(folder, 'reduce.json');
    const fieldsV1 = { 'f:data': {} };
    const items = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kept',
          namespace: 'shop',
          creationTimestamp: '2026-04-01T00:00:00Z',
          managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1 }],
        },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'other',
          namespace: 'shop',
          managedFields: [{ manager: 'c', operation: 'Update', time: '2026-04-03T00:00:00Z', fieldsV1 }],
        },
        endpoints: [],
      },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'other-too', managedFields: 'oops' } },
    ];
    await writeFile(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const all = await readSnapshot(path);
    const fullKinds = new Set(['/ConfigMap']);
    const dropped = await readSnapshot(path, { reduce: { fullKinds, otherKinds: 'drop' } });
    const stripped = await readSnapshot(path, { reduce: { fullKinds, otherKinds: 'without-field-sets' } });

    expect(all.objects).toHaveLength(3);
    expect(dropped.objects).toEqual([all.objects[0]]);
    expect(dropped).toEqual({ ...all, objects: dropped.objects });
    expect(dropped.listedKinds).toEqual([
      '/ConfigMap',
      'discovery.k8s.io/EndpointSlice',
      'storage.k8s.io/StorageClass',
    ]);
    expect(dropped.clusterScopedKinds).toEqual(['storage.k8s.io/StorageClass']);
    expect(dropped.clock).toEqual({ source: 'snapshot', at: '2026-04-03T00:00:00.000Z' });
    expect(dropped.warnings).toEqual([
      'StorageClass other-too: metadata.managedFields is not a list; its changes are not attributed',
    ]);

    expect(stripped).toEqual({ ...all, objects: stripped.objects });
    expect(stripped.objects[0]).toEqual(all.objects[0]);
    expect(stripped.objects[1]).toEqual({
      ...items[1],
      metadata: {
        ...items[1]?.metadata,
        managedFields: [{ manager: 'c', operation: 'Update', time: '2026-04-03T00:00:00Z' }],
      },
    });
    expect(stripped.objects[2]).toEqual(all.objects[2]);

    const yamlPath = join(folder, 'reduce.yaml');
    await writeFile(
      yamlPath,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept, namespace: shop}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: other, namespace: shop, managedFields: [{manager: k, fieldsV1: {}}]}\n',
    );
    const yaml = await readSnapshot(yamlPath, { reduce: { fullKinds, otherKinds: 'drop' } });
    expect(yaml.objects.map((object) => object.metadata.name)).toEqual(['kept']);
    expect(yaml.listedKinds).toEqual(['/ConfigMap', '/Pod']);
    const yamlStripped = await readSnapshot(yamlPath, { reduce: { fullKinds, otherKinds: 'without-field-sets' } });
    expect(yamlStripped.objects[1]?.metadata.managedFields).toEqual([{ manager: 'k' }]);
  });
});
