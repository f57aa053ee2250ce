import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import type { Report } from '../../lib/report/report.ts';
import { runCli } from './run-cli.ts';

/** The render and audit contracts on the demo's Kustomize overlay and on small inputs written here. */
const work = mkdtempSync(join(tmpdir(), 'dw-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeTree(root: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

interface ListDocument {
  apiVersion: string;
  kind: string;
  items: Array<{ kind: string; metadata: { name: string; namespace?: string } }>;
}

const identities = (items: ListDocument['items']): string[] =>
  items.map((item) => `${item.kind} ${item.metadata.namespace ?? ''}/${item.metadata.name}`);

describe('driftwatch render', () => {
  test("--format json prints one v1 List of the overlay's objects, prefixed, namespaced, with the generated name referenced", () => {
    const result = runCli([
      'render',
      '--source',
      'examples/gitops',
      '--path',
      'clusters/demo-payments',
      '--format',
      'json',
    ]);

    expect(result.status, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout) as ListDocument;
    expect(list.apiVersion).toBe('v1');
    expect(list.kind).toBe('List');
    expect(identities(list.items)).toStrictEqual([
      'Namespace /payments',
      'ConfigMap payments/demo-settings-5mh6cdkbtk',
      'Service payments/demo-api',
      'Deployment payments/demo-api',
    ]);
    expect(result.stdout).toContain('"name":"demo-settings-5mh6cdkbtk"');
    expect(result.stdout).toContain('registry.example.com/payments/api:2.1.0');
  });

  test('--format yaml prints the same objects as multi-document YAML, and --object picks one', () => {
    const yaml = runCli([
      'render',
      '--source',
      'examples/gitops.tar.gz',
      '--path',
      'clusters/demo-payments',
      '--format',
      'yaml',
    ]);
    const one = runCli([
      'render',
      '--source',
      'examples/gitops.tar.gz',
      '--path',
      'clusters/demo-payments',
      '--object',
      'Deployment/payments/demo-api',
      '--format',
      'json',
    ]);

    expect(yaml.status, yaml.stderr).toBe(0);
    expect(identities(loadAll(yaml.stdout) as ListDocument['items'])).toHaveLength(4);
    expect(identities((JSON.parse(one.stdout) as ListDocument).items)).toStrictEqual(['Deployment payments/demo-api']);
  });

  test("a secretGenerator's value never leaves the process: the Secret's data are digests", () => {
    const root = writeTree(join(work, 'secret'), {
      'kustomization.yaml':
        'namespace: shop\nsecretGenerator:\n  - name: creds\n    literals: [password=hunter2-not-printed]\n',
    });

    const result = runCli(['render', '--source', root, '--format', 'json']);

    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/"password":"hmac-sha256:[0-9a-f]{12}"/);
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2-not-printed');
    expect(`${result.stdout}${result.stderr}`).not.toContain(Buffer.from('hunter2-not-printed').toString('base64'));
  });

  test('a render error never quotes what feeds a Secret, even a malformed secretGenerator literal', () => {
    const root = writeTree(join(work, 'bad-literal'), {
      'kustomization.yaml': 'secretGenerator:\n  - name: creds\n    literals: [hunter2-without-key]\n',
    });

    const result = runCli(['render', '--source', root, '--format', 'json']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('invalid literal source [redacted]');
    expect(result.stderr).not.toContain('hunter2-without-key');
  });

  test('a failed render exits 2 with one line on stderr and nothing on stdout', () => {
    const root = writeTree(join(work, 'broken'), { 'kustomization.yaml': 'resources: [missing.yaml]\n' });

    const result = runCli(['render', '--source', root, '--format', 'json']);

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('kustomize build failed');
    expect(result.stderr).toContain('missing.yaml');
    expect(result.stderr).not.toContain('driftwatch-render-');
  });

  test('a renderer that is not there is an error naming it, never a fallback to reading templates as YAML', () => {
    const result = runCli([
      'render',
      '--source',
      'examples/gitops',
      '--path',
      'clusters/demo-payments',
      '--renderer',
      join(work, 'no-such-dwrender'),
    ]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`renderer ${join(work, 'no-such-dwrender')} is not an executable file`);
  });
});

describe('driftwatch audit of a rendered source', () => {
  test('--source --path --snapshot --format json audits the rendered objects with the core contract', () => {
    const result = runCli([
      'audit',
      '--source',
      'examples/gitops.tar.gz',
      '--path',
      'clusters/demo-payments',
      '--snapshot',
      'examples/live/payments-cluster.yaml',
      '--format',
      'json',
      '--no-write',
    ]);

    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.source.renderer).toBe('kustomize');
    expect(report.summary).toMatchObject({ declared: 4, compared: 4, modified: 1 });
    expect(
      report.drift.map(
        (entry) =>
          `${entry.status} ${entry.kind} ${entry.name} ${(entry.changes ?? []).map((change) => change.path).join(',')}`,
      ),
    ).toStrictEqual(['modified Deployment demo-api /spec/template/spec/containers/name=api/env/name=DEBUG']);
  });

  test('a chart that fails to render is a failed source: exit 2, the report incomplete with Helm\'s message, never "no drift"', () => {
    const root = writeTree(join(work, 'chart'), {
      'Chart.yaml':
        'apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n',
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
    });

    const result = runCli([
      'audit',
      '--source',
      root,
      '--snapshot',
      'examples/live/payments-cluster.yaml',
      '--format',
      'json',
      '--no-write',
    ]);

    expect(result.status).toBe(2);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.scan.complete).toBe(false);
    expect(report.source.renderer).toBe('helm');
    expect(report.source.failedFiles).toStrictEqual([
      expect.objectContaining({ file: '.', message: expect.stringContaining('missing in charts/ directory') }),
    ]);
  });

  test('validate renders the overlay and counts its objects', () => {
    const result = runCli(['validate', '--source', 'examples/gitops', '--path', 'clusters/demo-payments']);

    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('clusters/demo-payments: 4 objects in 1 files (rendered with kustomize)');
  });
});
