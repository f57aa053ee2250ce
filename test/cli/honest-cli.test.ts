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
const declaredConfigMap = (name: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  mode: fast\n`;
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
    const audit = (which: string): JsonReport =>
      JSON.parse(
        runCli(['audit', '--source', `${which}/src`, '--snapshot', `${which}/live.json`, '--format', 'json', '-q'], {
          cwd,
        }).stdout,
      ) as JsonReport;
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
    const result = runCli(
      [
        'audit',
        '--source',
        'src',
        '--kubeconfig',
        'absent.kubeconfig',
        '--context',
        'Prod/EU',
        '--format',
        'json',
        '--no-write',
        '-q',
      ],
      { cwd },
    );
    expect((JSON.parse(result.stdout) as JsonReport).cluster).toMatch(/^local-prod-eu-[0-9a-f]{8}$/);
    const named = runCli(
      [
        'audit',
        '--source',
        'src',
        '--kubeconfig',
        'absent.kubeconfig',
        '--cluster',
        'prod',
        '--format',
        'json',
        '--no-write',
        '-q',
      ],
      { cwd },
    );
    expect((JSON.parse(named.stdout) as JsonReport).cluster).toBe('prod');
  });
});

describe('a source that declares nothing is an error, not a clean bill', () => {
  test('an empty .tar.gz or .zip, or an archive without a manifest, exits 2 with one line naming the archive and path', async () => {
    const cwd = folderWith({ 'live.json': list([configMap('alpha', 'fast')]) });
    writeFileSync(join(cwd, 'empty.tar.gz'), await tarGzOf([]));
    writeFileSync(join(cwd, 'empty.zip'), zipOf([]));
    writeFileSync(
      join(cwd, 'docs.tar.gz'),
      await tarGzOf([
        { name: 'repo/README.md', content: '# nothing here' },
        { name: 'repo/apps/notes.yaml', content: 'just: text\n' },
      ]),
    );
    for (const [archive, path, why] of [
      ['empty.tar.gz', '.', 'no .yaml, .yml or .json file'],
      ['empty.zip', '.', 'no .yaml, .yml or .json file'],
      ['docs.tar.gz', 'apps', '1 manifest file, none holds a Kubernetes object'],
      ['docs.tar.gz', 'clusters/prod', 'the folder does not exist'],
    ] as const) {
      const result = runCli(
        [
          'audit',
          '--source',
          archive,
          '--path',
          path,
          '--snapshot',
          'live.json',
          '--no-write',
          '-q',
          '--format',
          'json',
        ],
        { cwd },
      );
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

describe('what the table and markdown say', () => {
  test('archive entry names with ANSI escapes or carriage returns are escaped, in the table, the markdown and the progress lines', async () => {
    const hostile = 'apps/\u001b[2J\u001b[Hdriftwatch: all good\r.yaml';
    const cwd = folderWith({ 'live.json': list([configMap('alpha', 'fast')]) });
    writeFileSync(
      join(cwd, 'repo.tar.gz'),
      await tarGzOf([
        { name: 'apps/cm.yaml', content: declaredConfigMap('alpha') },
        { name: hostile, content: 'a: [' },
      ]),
    );
    for (const format of ['table', 'markdown']) {
      const result = runCli(
        ['audit', '--source', 'repo.tar.gz', '--snapshot', 'live.json', '--no-write', '--format', format],
        { cwd },
      );
      expect(result.status, result.stderr).toBe(3);
      for (const output of [result.stdout, result.stderr]) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for escape and carriage-return characters
        expect(output).not.toMatch(/[\u001b\r]/);
      }
      expect(result.stdout).toContain('failed file: \\e[2J\\e[Hdriftwatch: all good\\r.yaml');
    }
  });

  test('source warnings show; a failed source heads the table as not audited; a finding line names its subject once', () => {
    const cwd = folderWith({
      'src/cm.yaml': `${declaredConfigMap('alpha')}---\nkind: ConfigMap\nmetadata: {name: no-api-version}\n`,
      'live.json': list([
        configMap('alpha', 'fast'),
        configMap('by-hand', 'x', {
          managedFields: [
            {
              manager: 'kubectl-create',
              operation: 'Update',
              time: '2026-05-01T10:00:00Z',
              fieldsV1: { 'f:data': {} },
            },
          ],
        }),
      ]),
    });
    const table = runCli(['audit', '--source', 'src', '--snapshot', 'live.json', '--no-write', '--fail-on', 'none'], {
      cwd,
    }).stdout;
    expect(table).toMatch(/source warning: cm\.yaml:\d+: document skipped: no apiVersion/);
    const findingLine = table.split('\n').find((line) => line.includes('hand-made-object'));
    expect(findingLine).toMatch(/hand-made-object {2}ConfigMap shop\/by-hand looks hand-made/);
    expect(findingLine?.split('ConfigMap shop/by-hand')).toHaveLength(2);
    const markdown = runCli(
      [
        'audit',
        '--source',
        'src',
        '--snapshot',
        'live.json',
        '--no-write',
        '--fail-on',
        'none',
        '--format',
        'markdown',
      ],
      { cwd },
    ).stdout;
    expect(markdown).toMatch(/- source warning: cm\.yaml:\d+: document skipped/);

    const failed = runCli(['audit', '--source', 'absent', '--snapshot', 'live.json', '--no-write'], { cwd });
    expect(failed.status).toBe(2);
    expect(failed.stdout.split('\n')[0]).toMatch(
      /^cluster local-live-[0-9a-f]{8}: NOT AUDITED — source cannot be read: /,
    );
    expect(failed.stdout).not.toContain('no drift');
  });

  test('--fail-on none turns an incomplete scan into exit 0, as documented; without it exit 3', () => {
    const cwd = folderWith({
      'src/cm.yaml': declaredConfigMap('alpha'),
      'src/broken.yaml': 'a: [',
      'live.json': list([configMap('alpha', 'fast')]),
    });
    expect(runCli(['audit', '--source', 'src', '--snapshot', 'live.json', '--no-write', '-q'], { cwd }).status).toBe(3);
    expect(
      runCli(['audit', '--source', 'src', '--snapshot', 'live.json', '--no-write', '-q', '--fail-on', 'none'], { cwd })
        .status,
    ).toBe(0);
    expect(runCli(['audit', '--help']).stderr).toContain('--fail-on none turns 1 and 3 into 0');
  });

  test('reports list with nothing in range exits 2, as its help says', () => {
    const cwd = folderWith({
      'src/cm.yaml': declaredConfigMap('alpha'),
      'live.json': list([configMap('alpha', 'fast')]),
    });
    runCli(['audit', '--source', 'src', '--snapshot', 'live.json', '--cluster', 'prod', '-q'], { cwd });
    expect(runCli(['reports', 'list', '--store', 'driftwatch-reports'], { cwd }).status).toBe(0);
    const empty = runCli(['reports', 'list', '--store', 'driftwatch-reports', '--since', '2099-01-01'], { cwd });
    expect(empty.status).toBe(2);
    expect(empty.stdout).toBe('no reports\n');
    expect(empty.stderr).toContain('no reports in range in');
    expect(runCli(['reports', 'list', '--help']).stderr).toContain('nothing found');
  });
});
