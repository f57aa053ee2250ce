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
          managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
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
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2 } },
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

    expect(state.objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual(['ConfigMap/settings', 'Namespace/shop']);
  });

  test('reads a single object', () => {
    const state = parseSnapshot('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}', 'ns.json');

    expect(state.objects).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
    expect(state.clusterScopedKinds).toEqual(['/Namespace']);
  });

  test('treats a named object whose kind ends in List as an object, not a list', () => {
    const state = parseSnapshot('apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: office}\nitems: [a, b]\n', 'crd.yaml');

    expect(state.objects.map((object) => object.kind)).toEqual(['AllowList']);
  });

  test('reads an empty file as no objects', () => {
    expect(parseSnapshot('', 'empty.yaml').objects).toEqual([]);
  });

  test('reports a YAML syntax error with file and line, without quoting the content', () => {
    const text = ['apiVersion: v1', 'kind: Secret', 'metadata: {name: db, namespace: shop}', 'stringData:', '  password: "hunter2-top-secret', ''].join('\n');

    const error = snapshotErrorOf(() => parseSnapshot(text, 'live/secret.yaml'));

    expect(error.message).toMatch(/^live\/secret\.yaml:\d+: invalid YAML/);
    expect(error.file).toBe('live/secret.yaml');
    expect(error.line).toBeGreaterThanOrEqual(5);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('password');
  });

  test('cuts quoted fragments out of the YAML error reason', () => {
    expect(() => parseSnapshot('a: 1\nb: *hunter2\n', 'alias.yaml')).toThrow(/^alias\.yaml:2: invalid YAML: unidentified alias "…"$/);
  });

  test('a YAML alias bomb is refused at once, as in manifests', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 12; level++) levels.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(',')}]`);
    const started = Date.now();
    expect(() => parseSnapshot(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  ${levels.join('\n  ')}\n`, 'bomb.yaml')).toThrow(
      'bomb.yaml: invalid YAML: aliases expand beyond a sensible size',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('JSON or YAML nested deeper than the limit is refused, naming the file', () => {
    const deepJson = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(() => parseSnapshot(deepJson, 'deep.json')).toThrow('deep.json: nested deeper than 100 levels');
    const withinLimit = `{"apiVersion":"v1","kind":"List","items":[],"x":${'['.repeat(90)}"[[[[{{{{"${']'.repeat(90)}}`;
    expect(parseSnapshot(withinLimit, 'ok.json').objects).toEqual([]);
    expect(() => parseSnapshot(`${'- '.repeat(200)}x\n`, 'deep.yaml')).toThrow(/^deep\.yaml:\d+: invalid YAML: .*maxDepth/);
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

    await expect(readSnapshot(path)).rejects.toThrow(new SnapshotError(path, undefined, 'cannot read snapshot (file not found)'));
    await expect(readSnapshot(path)).rejects.toBeInstanceOf(SnapshotError);
  });

  test('names the file and line of a syntax error', async () => {
    const path = join(folder, 'broken.yaml');
    await writeFile(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n bad: indent\n');

    await expect(readSnapshot(path)).rejects.toThrow(`${path}:5: invalid YAML`);
  });
});
