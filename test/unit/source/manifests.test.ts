import { describe, expect, test } from 'vitest';
import { ScopeTable } from '../../../lib/kube/scope.ts';
import { readManifests } from '../../../lib/source/manifests.ts';
import type { DeclaredState, SourceProblem, SourceTree } from '../../../lib/source/types.ts';

function treeOf(files: Record<string, string>, extra: Partial<SourceTree> = {}): SourceTree {
  return {
    location: '/repo',
    files: Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text, 'utf8') })),
    problems: [],
    ...extra,
  };
}

function read(files: Record<string, string>, path?: string): DeclaredState {
  const options = path === undefined ? { scope: new ScopeTable() } : { path, scope: new ScopeTable() };
  return readManifests(treeOf(files), options);
}

function identities(state: DeclaredState): string[] {
  return state.objects.map(({ object }) =>
    [object.kind, object.metadata.namespace ?? '-', object.metadata.name].join(' '),
  );
}

function placesOf(state: DeclaredState): string[] {
  return state.objects.map(({ object, file, line }) => `${object.metadata.name}@${file}:${line}`);
}

const configMap = (name: string, namespace?: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}`;

describe('reading documents', () => {
  test('multi-document YAML gives one object per document with the line each document starts on', () => {
    const text = `# leading comment\n---\n${configMap('a')}---\n\n# note\n${configMap('b')}`;
    const state = read({ 'app.yaml': text });
    expect(placesOf(state)).toEqual(['a@app.yaml:3', 'b@app.yaml:10']);
    expect(state.problems).toEqual([]);
  });

  test('kind: List and *List kinds are expanded into their items, at the line of the list', () => {
    const list = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}',
      '- {apiVersion: v1, kind: Service, metadata: {name: two}}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMapList',
      'items:',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: three}}',
    ].join('\n');
    const state = read({ 'list.yaml': list });
    expect(identities(state)).toEqual(['ConfigMap default one', 'Service default two', 'ConfigMap default three']);
    expect(placesOf(state)).toEqual(['one@list.yaml:1', 'two@list.yaml:1', 'three@list.yaml:7']);
  });

  test('JSON files are read, including a List', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }],
    });
    expect(identities(read({ 'secret.json': `\n${json}` }))).toEqual(['Secret default s']);
  });

  test('empty documents are skipped silently; documents without apiVersion, kind or metadata.name are skipped with a warning', () => {
    const text = `---\n---\n# only a comment\n---\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\n- a list\n---\n${configMap('kept')}`;
    const state = read({ 'mixed.yaml': text });
    expect(identities(state)).toEqual(['ConfigMap default kept']);
    expect(state.problems).toEqual([
      { file: 'mixed.yaml', line: 5, message: 'document skipped: no apiVersion', severity: 'warning' },
      { file: 'mixed.yaml', line: 8, message: 'document skipped: no metadata.name', severity: 'warning' },
      { file: 'mixed.yaml', line: 12, message: 'document skipped: not a mapping', severity: 'warning' },
    ]);
  });

  test('scalars resolve as kubectl reads YAML: 0644 is octal, yes is true, 22:22 and dates stay strings', () => {
    const text = `${configMap('c')}data:\n  mode: 0644\n  flag: yes\n  port: 22:22\n  date: 2024-01-01\n`;
    const [declared] = read({ 'c.yaml': text }).objects;
    expect(declared?.object['data']).toEqual({ mode: 420, flag: true, port: '22:22', date: '2024-01-01' });
  });

  test('only yaml, yml and json files under the path are read, in path order, and counted', () => {
    const files = {
      'apps/web/z.yml': configMap('z'),
      'apps/web/a.yaml': configMap('a'),
      'apps/web/notes.md': 'apiVersion: v1',
      'apps/b.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }),
      'infra/c.yaml': configMap('c'),
      'apps-old/d.yaml': configMap('d'),
    };
    const state = read(files, './apps/');
    expect(state.objects.map(({ object }) => object.metadata.name)).toEqual(['b', 'a', 'z']);
    expect(state.fileCount).toBe(3);
    expect(read(files, '.').fileCount).toBe(5);
    expect(read(files, '').fileCount).toBe(5);
  });

  test('a path with no files in the tree is an error rather than an empty declared state', () => {
    const state = read({ 'apps/a.yaml': configMap('a') }, 'aps');
    expect(state.problems).toEqual([{ file: 'aps', message: 'folder not found in /repo', severity: 'error' }]);
  });

  test('location, commit and the tree problems are carried over', () => {
    const treeProblem: SourceProblem = { file: 'repo/evil', message: 'refused: absolute path', severity: 'error' };
    const tree = treeOf(
      { 'a.yaml': configMap('a') },
      { location: 'https://git.example/repo.tar.gz', commit: 'abc1234', problems: [treeProblem] },
    );
    const state = readManifests(tree, { scope: new ScopeTable() });
    expect(state).toMatchObject({ location: 'https://git.example/repo.tar.gz', commit: 'abc1234', fileCount: 1 });
    expect(state.problems).toEqual([treeProblem]);
  });
});

describe('syntax errors', () => {
  const broken = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: db',
    'stringData:',
    '  password: "hunter2-is-my-password',
    '  user: admin',
  ].join('\n');

  test('name the file and line, and the other files are still read', () => {
    const state = read({ 'a.yaml': configMap('a'), 'secret.yaml': broken, 'z.yaml': configMap('z') });
    expect(identities(state)).toEqual(['ConfigMap default a', 'ConfigMap default z']);
    expect(state.problems).toHaveLength(1);
    expect(state.problems[0]).toMatchObject({ file: 'secret.yaml', severity: 'error' });
    expect(state.problems[0]?.line).toBeGreaterThanOrEqual(6);
    expect(state.problems[0]?.message).toMatch(/^syntax error: /);
  });

  test('never quote the offending line, which may hold a Secret value', () => {
    const [problem] = read({ 'secret.yaml': broken }).problems;
    expect(problem?.message).not.toContain('hunter2');
    expect(problem?.message).not.toContain('password');
  });

  test('never quote a value that parsed as a tag', () => {
    const text = `${configMap('s')}data:\n  password: !Sup3rS3cret\n`;
    const [problem] = read({ 'tag.yaml': text }).problems;
    expect(problem).toMatchObject({ file: 'tag.yaml', line: 6, severity: 'error' });
    expect(problem?.message).not.toContain('Sup3rS3cret');
  });

  test('a JSON syntax error names the file and line without the content', () => {
    const json = '{\n  "apiVersion": "v1",\n  "kind": "Secret",\n  "data": {"token": "c2VjcmV0"\n}\n';
    const [problem] = read({ 'broken.json': json }).problems;
    expect(problem).toMatchObject({ file: 'broken.json', severity: 'error' });
    expect(problem?.line).toBeGreaterThanOrEqual(4);
    expect(problem?.message).not.toContain('c2VjcmV0');
  });

  test('aliases expanding far beyond the file size are refused', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 8; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const current = String.fromCharCode(97 + level);
      levels.push(`${current}: &${current} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    const text = `${configMap('bomb')}data:\n${levels.map((line) => `  ${line}`).join('\n')}\n`;
    const state = read({ 'bomb.yaml': text });
    expect(state.objects).toEqual([]);
    expect(state.problems).toEqual([
      { file: 'bomb.yaml', message: 'syntax error: aliases expand beyond a sensible size', severity: 'error' },
    ]);
  });
});

describe('namespaces', () => {
  test('namespaced objects without a namespace get default; cluster-scoped ones get none', () => {
    const text = [
      configMap('cm'),
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n',
    ].join('---\n');
    const state = read({ 'all.yaml': text });
    expect(identities(state)).toEqual([
      'ConfigMap default cm',
      'ClusterRole - reader',
      'Namespace - shop',
      'Deployment shop web',
    ]);
    expect(state.objects[1]?.object.metadata).not.toHaveProperty('namespace');
  });

  test('a CRD declaring scope: Cluster in the same set makes its custom resources cluster-scoped', () => {
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata: {name: clusterissuers.cert-manager.io}',
      'spec:',
      '  group: cert-manager.io',
      '  scope: Cluster',
      '  names: {kind: ClusterIssuer, plural: clusterissuers}',
    ].join('\n');
    const issuer = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt}\n';
    const certificate = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web}\n';
    // The custom resource comes first: scopes are learnt from the whole set before defaulting.
    const scope = new ScopeTable();
    const state = readManifests(
      treeOf({ 'a-issuer.yaml': issuer, 'b-cert.yaml': certificate, 'crds/issuer.yaml': crd }),
      { scope },
    );
    expect(identities(state)).toEqual([
      'ClusterIssuer - letsencrypt',
      'Certificate default web',
      'CustomResourceDefinition - clusterissuers.cert-manager.io',
    ]);
    expect(scope.isClusterScoped('cert-manager.io', 'ClusterIssuer')).toBe(true);
  });

  test('a namespace declared on a cluster-scoped object is dropped with a warning', () => {
    const text =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: shop\n';
    const state = read({ 'role.yaml': text });
    expect(identities(state)).toEqual(['ClusterRole - reader']);
    expect(state.problems).toEqual([
      {
        file: 'role.yaml',
        line: 1,
        message: 'ClusterRole reader is cluster-scoped; its namespace is ignored',
        severity: 'warning',
      },
    ]);
  });
});

describe('duplicates', () => {
  test('the same object declared twice is an error naming both files and lines; the first is kept', () => {
    const first = `${configMap('settings', 'shop')}data: {from: first}\n`;
    const second = `${configMap('other')}---\n${configMap('settings', 'shop')}data: {from: second}\n`;
    const state = read({ 'a.yaml': first, 'b.yaml': second });
    expect(identities(state)).toEqual(['ConfigMap shop settings', 'ConfigMap default other']);
    expect(state.objects[0]?.object['data']).toEqual({ from: 'first' });
    expect(state.problems).toEqual([
      {
        file: 'b.yaml',
        line: 6,
        message: 'ConfigMap shop/settings is declared twice: a.yaml:1 and b.yaml:6; the first is kept',
        severity: 'error',
      },
    ]);
  });

  test('an explicit default namespace and an omitted one are the same object; the API version does not matter', () => {
    const deployment = (apiVersion: string, namespace: string): string =>
      `apiVersion: ${apiVersion}\nkind: Deployment\nmetadata:\n  name: web\n${namespace}`;
    const state = read({
      'a.yaml': deployment('apps/v1', ''),
      'b.yaml': deployment('apps/v1beta1', '  namespace: default\n'),
      'c.yaml': deployment('apps/v1', '  namespace: shop\n'),
    });
    expect(identities(state)).toEqual(['Deployment default web', 'Deployment shop web']);
    expect(state.problems.map((problem) => problem.file)).toEqual(['b.yaml']);
  });
});

describe('nesting limits', () => {
  test('a declared .json nested 10,000 levels deep is a failed file, as deep YAML is', () => {
    const state = read({
      'deep.json': `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      'deep.yaml': `${'- '.repeat(200)}x\n`,
      'cm.yaml': configMap('ok', 'shop'),
    });
    expect(identities(state)).toEqual(['ConfigMap shop ok']);
    expect(state.problems).toEqual([
      expect.objectContaining({
        file: 'deep.json',
        message: 'syntax error: nested deeper than 100 levels',
        severity: 'error',
      }),
      expect.objectContaining({ file: 'deep.yaml', severity: 'error' }),
    ]);
  });
});
