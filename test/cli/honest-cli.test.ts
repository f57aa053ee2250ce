import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { tarGzOf, zipOf } from '../unit/source/archives.ts';
import { runCli } from './run-cli.ts';

const workspace = mkdtempSync(join(tmpdir(), 'driftwatch-honest-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

let counter = 0;
/** A folder holding these files (path → text), for sources, snapshots and report folders. */
function folderWith(files: Record<string, string>): string {
  const folder = join(workspace, `case-${counter++}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(folder, name, '..'), { recursive: true });
    writeFileSync(join(folder, name), content);
  }
  return folder;
}

const configMap = (name: string, mode: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', ...extra },
  data: { mode },
});
const declaredConfigMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  mode: fast\n`;
const list = (items: unknown[]): string => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

interface JsonReport {
  cluster: string;
  identity?: string;
  drift: Array<{ history?: string }>;
  history?: { resolved: unknown[]; previousRunId?: string };
}

describe('ad-hoc runs have the identity of what they audit', () => {
  test('two repositories and snapshots audited from one folder never mix their history', () => {
    const cwd = folderWith({
      'a/src/cm.yaml': declaredConfigMap('alpha'),
      'a/live.json': list([configMap('alpha', 'slow')]),
      'b/src/cm.yaml': declaredConfigMap('beta'),
      'b/live.json': list([configMap('beta', 'slow')]),
    });
    const audit = (which: string): JsonReport => JSON.parse(runCli(['audit', '--source', `${which}/src`, '--snapshot', `${which}/live.json`, '--format', 'json', '-q'], { cwd }).stdout) as JsonReport;
    const first = audit('a');
    const second = audit('b');
    expect(first.cluster).toMatch(/^local-live-[0-9a-f]{8}$/);
    expect(second.cluster).toMatch(/^local-live-[0-9a-f]{8}$/);
    expect(second.cluster).not.toBe(first.cluster);
    expect(second.history?.resolved).toEqual([]);
    const again = audit('a');
    expect(again.cluster).toBe(first.cluster);
    expect(again.identity).toBe(first.identity);
    expect(again.drift[0]?.history).toBe('persisting');
  });

  test('a kubeconfig context names the cluster; --cluster still overrides', () => {
    const cwd = folderWith({ 'src/cm.yaml': declaredConfigMap('alpha') });
    const result = runCli(['audit', '--source', 'src', '--kubeconfig', 'absent.kubeconfig', '--context', 'Prod/EU', '--format', 'json', '--no-write', '-q'], { cwd });
    expect((JSON.parse(result.stdout) as JsonReport).cluster).toMatch(/^local-prod-eu-[0-9a-f]{8}$/);
    const named = runCli(['audit', '--source', 'src', '--kubeconfig', 'absent.kubeconfig', '--cluster', 'prod', '--format', 'json', '--no-write', '-q'], { cwd });
    expect((JSON.parse(named.stdout) as JsonReport).cluster).toBe('prod');
  });
});

describe('a source that declares nothing is an error, not a clean bill', () => {
  test('an empty .tar.gz or .zip, or an archive without a manifest, exits 2 with one line naming the archive and path', async () => {
    const cwd = folderWith({ 'live.json': list([configMap('alpha', 'fast')]) });
    writeFileSync(join(cwd, 'empty.tar.gz'), await tarGzOf([]));
    writeFileSync(join(cwd, 'empty.zip'), zipOf([]));
    writeFileSync(join(cwd, 'docs.tar.gz'), await tarGzOf([{ name: 'repo/README.md', content: '# nothing here' }, { name: 'repo/apps/notes.yaml', content: 'just: text\n' }]));
    for (const [archive, path, why] of [
      ['empty.tar.gz', '.', 'no .yaml, .yml or .json file'],
      ['empty.zip', '.', 'no .yaml, .yml or .json file'],
      ['docs.tar.gz', 'apps', '1 manifest file, none holds a Kubernetes object'],
      ['docs.tar.gz', 'clusters/prod', 'the folder does not exist'],
    ] as const) {
      const result = runCli(['audit', '--source', archive, '--path', path, '--snapshot', 'live.json', '--no-write', '-q', '--format', 'json'], { cwd });
      expect(result.status, archive).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines, archive).toHaveLength(1);
      expect(lines[0]).toContain(join(cwd, archive));
      expect(lines[0]).toContain(why);
      if (path !== '.') expect(lines[0]).toContain(`under ${path}`);
      expect((JSON.parse(result.stdout) as { scan: { complete: boolean } }).scan.complete).toBe(false);
    }
  });
});
