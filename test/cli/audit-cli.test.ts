import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { tarGzOf } from '../unit/source/archives.ts';
import { REPO_ROOT, runCli, runCliAsync } from './run-cli.ts';

const workspace = mkdtempSync(join(tmpdir(), 'driftwatch-cli-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

let counter = 0;
function scenario(
  files: Record<string, string>,
  liveItems: unknown[],
): { source: string; snapshot: string; folder: string } {
  const folder = join(workspace, `case-${counter++}`);
  const source = join(folder, 'src');
  mkdirSync(source, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(source, name), content);
  const snapshot = join(folder, 'live.json');
  writeFileSync(snapshot, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: liveItems }));
  return { source, snapshot, folder };
}

const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
  namespace: shop
data:
  mode: fast
`;
const liveConfigMap = (mode: string): unknown => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'flags', namespace: 'shop', uid: 'u1', resourceVersion: '9' },
  data: { mode },
});

describe('driftwatch audit', () => {
  test('prints exactly one JSON report on stdout and exits 0 when nothing drifted', () => {
    const { source, snapshot } = scenario({ 'cm.yaml': CONFIG_MAP }, [liveConfigMap('fast')]);
    const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', 'json', '--no-write']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { drift: unknown[]; summary: { compared: number } };
    expect(report.drift).toEqual([]);
    expect(report.summary.compared).toBe(1);
  });

  test('exits 1 on drift and names the changed field in the table', () => {
    const { source, snapshot } = scenario({ 'cm.yaml': CONFIG_MAP }, [liveConfigMap('slow')]);
    const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--no-write']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('/data/mode');
    expect(result.stdout).toContain('modified');
  });

  test('--fail-on none keeps exit 0 despite drift; --fail-on missing ignores a modification', () => {
    const { source, snapshot } = scenario({ 'cm.yaml': CONFIG_MAP }, [liveConfigMap('slow')]);
    expect(
      runCli(['audit', '--source', source, '--snapshot', snapshot, '--no-write', '--fail-on', 'none']).status,
    ).toBe(0);
    expect(
      runCli(['audit', '--source', source, '--snapshot', snapshot, '--no-write', '--fail-on', 'missing']).status,
    ).toBe(0);
  });

  test('writes the report file and a latest copy, and says where', () => {
    const { source, snapshot, folder } = scenario({ 'cm.yaml': CONFIG_MAP }, [liveConfigMap('fast')]);
    const out = join(folder, 'reports');
    const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--out', out, '--cluster', 'shop-eu']);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(join(out, 'latest/shop-eu.json'));
    expect(result.stderr).toMatch(/reports\/cluster=shop-eu\/dt=\d{4}-\d{2}-\d{2}\/\d{8}T\d{6}Z-[0-9a-f]{8}\.json/);
  });

  test('a YAML syntax error fails that file only: the rest is audited and the report lists the file and line', () => {
    const broken =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: shop\ndata:\n  key: [unclosed\n';
    const { source, snapshot } = scenario({ 'cm.yaml': CONFIG_MAP, 'broken.yaml': broken }, [liveConfigMap('fast')]);
    const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', 'json', '--no-write']);
    const report = JSON.parse(result.stdout) as {
      source: { failedFiles: Array<{ file: string; line?: number }> };
      summary: { compared: number };
    };
    expect(report.summary.compared).toBe(1);
    expect(report.source.failedFiles).toMatchObject([{ file: 'broken.yaml' }]);
    expect(report.source.failedFiles[0]?.line).toBeGreaterThan(0);
    expect(result.status).toBe(3);
  });

  test('Secret values never reach stdout in any format, a changed value shows as a digest', () => {
    const secret =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: hunter2-declared\n';
    const liveSecret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'shop',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"hunter2-applied"}}',
        },
      },
      data: { password: Buffer.from('hunter2-live').toString('base64') },
    };
    const { source, snapshot } = scenario({ 'secret.yaml': secret }, [liveSecret]);
    for (const format of ['json', 'table', 'markdown']) {
      const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', format, '--no-write']);
      expect(result.status).toBe(1);
      const everything = result.stdout + result.stderr;
      for (const value of [
        'hunter2',
        Buffer.from('hunter2-live').toString('base64'),
        Buffer.from('hunter2-declared').toString('base64'),
      ]) {
        expect(everything).not.toContain(value);
      }
      expect(result.stdout).toMatch(/hmac-sha256:[0-9a-f]{12}/);
    }
  });

  test('without --source only the cluster checks run: one JSON report with findings, no drift, exit 0', () => {
    const result = runCli(['audit', '--snapshot', 'examples/live/demo-cluster.yaml', '--format', 'json', '--no-write']);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      drift: unknown[];
      findings: Array<{ check: string }>;
      source: { location: string };
    };
    expect(report.drift).toEqual([]);
    expect(report.source.location).toBe('none');
    expect(report.findings.map((finding) => finding.check)).toContain('rbac-cluster-admin');
  });

  test('a kind the snapshot did not capture is unverified, not missing; a captured kind with nothing left is missing', () => {
    const secret =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: x\n';
    const { source, snapshot, folder } = scenario({ 'cm.yaml': CONFIG_MAP, 'secret.yaml': secret }, [
      liveConfigMap('fast'),
    ]);
    const uncaptured = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', 'json', '--no-write']);
    const report = JSON.parse(uncaptured.stdout) as {
      drift: unknown[];
      scan: { complete: boolean; unverified: Array<{ kind: string }> };
    };
    expect(report.drift).toEqual([]);
    expect(report.scan.unverified).toMatchObject([{ kind: 'Secret' }]);
    expect(report.scan.complete).toBe(false);
    expect(uncaptured.status).toBe(3);
    const captured = join(folder, 'captured.json');
    writeFileSync(
      captured,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        metadata: { annotations: { 'driftwatch.io/captured-kinds': 'ConfigMap,Secret' } },
        items: [liveConfigMap('fast')],
      }),
    );
    const withSecrets = runCli(['audit', '--source', source, '--snapshot', captured, '--format', 'json', '--no-write']);
    expect(withSecrets.status).toBe(1);
    expect(JSON.parse(withSecrets.stdout)).toMatchObject({
      drift: [{ kind: 'Secret', name: 'db', status: 'missing' }],
    });
  });

  test('an unreadable previous report is named in a warning and history starts afresh', () => {
    const { source, snapshot, folder } = scenario({ 'cm.yaml': CONFIG_MAP }, [liveConfigMap('slow')]);
    const out = join(folder, 'reports');
    mkdirSync(join(out, 'latest'), { recursive: true });
    writeFileSync(join(out, 'latest/broken.json'), '{"cluster":"broken","drift":"not a list"}');
    const result = runCli([
      'audit',
      '--source',
      source,
      '--snapshot',
      snapshot,
      '--out',
      out,
      '--cluster',
      'broken',
      '--format',
      'json',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `warning: ${join(out, 'latest/broken.json')} is not a valid report; history starts afresh`,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      drift: [{ changes: [{ history: 'new' }] }],
      history: { previous: { status: 'invalid', reason: 'runId: required' } },
    });
  });

  test('an unknown option is a usage error: exit 2, message on stderr, nothing on stdout', () => {
    const result = runCli(['audit', '--frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(result.stdout).toBe('');
  });

  test('a missing source is a clear error without a stack trace (exit 2)', () => {
    const result = runCli([
      'audit',
      '--source',
      join(workspace, 'nowhere'),
      '--snapshot',
      join(workspace, 'nowhere.json'),
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nowhere');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a config error names the file, line and path', () => {
    const folder = join(workspace, 'bad-config');
    mkdirSync(folder, { recursive: true });
    const config = join(folder, 'driftwatch.yaml');
    writeFileSync(config, 'source:\n  location: ./gitops\nclusters:\n  - name: prod\n    snapshot: ./live.yaml\n');
    const result = runCli(['audit', '--config', config]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/driftwatch\.yaml:\d+ clusters\[0\]\.path: required/);
  });

  test('--help on every command exits 0', () => {
    for (const args of [['--help'], ['audit', '--help'], ['validate', '--help']]) {
      const result = runCli(args);
      expect(result.status).toBe(0);
      expect(result.stdout + result.stderr).toContain('Usage:');
    }
  });
});

describe('driftwatch validate', () => {
  test('reports every broken file with its line and exits 2; a clean tree exits 0', () => {
    const clean = scenario({ 'cm.yaml': CONFIG_MAP }, []);
    expect(runCli(['validate', '--source', clean.source]).status).toBe(0);
    const duplicate = scenario({ 'a.yaml': CONFIG_MAP, 'b.yaml': CONFIG_MAP }, []);
    const result = runCli(['validate', '--source', duplicate.source]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('a.yaml');
    expect(result.stdout).toContain('b.yaml');
  });
});

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The secret parts of a URL with user info and a token in its query string, and the URL itself. */
async function secretUrl(path: string): Promise<{ url: string; shown: string; secrets: string[] }> {
  const port = await closedPort();
  return {
    url: `https://alice-user:pa55-word-secret@127.0.0.1:${port}${path}?private_token=glpat-query-secret&ref=main`,
    shown: `https://127.0.0.1:${port}${path}`,
    secrets: ['alice-user', 'pa55-word-secret', 'private_token', 'glpat-query-secret'],
  };
}

function writeConfig(folder: string, yaml: string): string {
  mkdirSync(folder, { recursive: true });
  const config = join(folder, 'driftwatch.yaml');
  writeFileSync(config, yaml);
  return config;
}

interface JsonReport {
  cluster: string;
  drift: unknown[];
  findings: unknown[];
  scan: { complete: boolean; error?: string };
  source: { location: string };
}

describe('driftwatch audit: credentials, failing clusters, names', () => {
  test('a source URL with user info and a token never shows its secret parts, in progress, errors or the report', async () => {
    const { snapshot } = scenario({}, [liveConfigMap('fast')]);
    const { url, shown, secrets } = await secretUrl('/group/repo/-/archive/main/repo.tar.gz');
    const result = runCli(['audit', '--source', url, '--snapshot', snapshot, '--format', 'json', '--no-write']);
    expect(result.status).toBe(2);
    for (const secret of secrets) {
      expect(result.stderr).not.toContain(secret);
      expect(result.stdout).not.toContain(secret);
    }
    expect(result.stderr).toContain(`reading source ${shown}`);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.source.location).toBe(shown);
    expect(report.scan.error).toContain(`${shown}: download failed`);
  });

  test('one cluster failing (snapshot missing) does not stop the others: both reports, one with scan.error, exit 2', () => {
    const { source, snapshot, folder } = scenario({ 'cm.yaml': CONFIG_MAP }, [liveConfigMap('fast')]);
    const missing = join(folder, 'missing-snapshot.json');
    const config = writeConfig(
      folder,
      `source:\n  location: ${source}\nclusters:\n  - name: broken\n    path: .\n    snapshot: ${missing}\n  - name: good\n    path: .\n    snapshot: ${snapshot}\n`,
    );
    const result = runCli(['audit', '--config', config, '--format', 'json', '--no-write']);
    expect(result.status).toBe(2);
    const reports = JSON.parse(result.stdout) as JsonReport[];
    expect(reports.map((report) => report.cluster)).toEqual(['broken', 'good']);
    expect(reports[0]).toMatchObject({ drift: [], findings: [], scan: { complete: false } });
    expect(reports[0]?.scan.error).toContain('missing-snapshot.json');
    expect(reports[1]?.scan.error).toBeUndefined();
    expect(reports[1]?.drift).toEqual([]);
    expect(result.stderr).toMatch(
      /driftwatch: cluster broken: .*missing-snapshot\.json.* \(report marked incomplete\)/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a source that cannot be opened at all gives one error report per planned cluster', () => {
    const { snapshot, folder } = scenario({}, [liveConfigMap('fast')]);
    const config = writeConfig(
      folder,
      `source:\n  location: ${join(folder, 'no-such-repo')}\nclusters:\n  - name: one\n    path: .\n    snapshot: ${snapshot}\n  - name: two\n    path: .\n    snapshot: ${snapshot}\n`,
    );
    const result = runCli(['audit', '--config', config, '--format', 'json', '--no-write']);
    expect(result.status).toBe(2);
    const reports = JSON.parse(result.stdout) as JsonReport[];
    expect(reports.map((report) => report.cluster)).toEqual(['one', 'two']);
    for (const report of reports) expect(report.scan.error).toMatch(/source cannot be read: .*no-such-repo: not found/);
  });

  test('--cluster with a name outside the config pattern is a usage error and writes nothing', () => {
    const { source, snapshot, folder } = scenario({ 'cm.yaml': CONFIG_MAP }, [liveConfigMap('fast')]);
    mkdirSync(join(folder, 'deep'));
    const out = join(folder, 'deep', 'reports');
    for (const name of ['../../escaped', 'Prod', 'a/b']) {
      const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--out', out, '--cluster', name]);
      expect(result.status, name).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('is not a valid cluster name');
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(folder, 'deep'), { recursive: true })).toEqual([]);
    expect(existsSync(join(folder, 'escaped.json'))).toBe(false);
  });
});

describe('driftwatch validate: remote sources', () => {
  test('--source https://… is a URL, not a local path, and its credentials are never echoed', async () => {
    const { url, shown, secrets } = await secretUrl('/repo.tar.gz');
    const result = runCli(['validate', '--source', url]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${shown}: download failed`);
    for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  test("--source with a config uses the config's token in its tokenHeader", async () => {
    const token = 'glpat-validate-secret';
    const archive = await tarGzOf([{ name: 'repo/cm.yaml', content: CONFIG_MAP }]);
    const seen: Array<string | undefined> = [];
    const server = createServer((request, response) => {
      seen.push(request.headers['private-token'] === undefined ? request.headers.authorization : 'PRIVATE-TOKEN');
      if (request.headers['private-token'] !== token) return void response.writeHead(401).end();
      response.writeHead(200, { 'content-type': 'application/gzip' }).end(archive);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { snapshot, folder } = scenario({}, []);
      const config = writeConfig(
        folder,
        `source:\n  location: ./not-used\n  token: ${token}\n  tokenHeader: PRIVATE-TOKEN\nclusters:\n  - name: shop\n    path: .\n    snapshot: ${snapshot}\n`,
      );
      const result = await runCliAsync([
        'validate',
        '--config',
        config,
        '--source',
        `http://127.0.0.1:${port}/api/v4/projects/7/repository/archive?sha=main`,
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(seen).toEqual(['PRIVATE-TOKEN']);
      expect(result.stdout).toContain('.: 1 objects in 1 files');
      expect(result.stdout + result.stderr).not.toContain(token);
      expect(result.stderr).not.toContain('sha=main');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('bin/driftwatch.mjs', () => {
  /** The bin scripts next to a stand-in lib/cli/main.ts (or none), run as the real one is. */
  function runBin(mainSource: string | undefined): { status: number | null; stdout: string; stderr: string } {
    const root = mkdtempSync(join(workspace, 'bin-'));
    const bin = join(root, 'bin', 'driftwatch.mjs');
    mkdirSync(dirname(bin), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'bin/driftwatch.mjs'), bin);
    // Without node_modules there is no esbuild: the bundle loader falls back to the sources, as on a failed build.
    copyFileSync(join(REPO_ROOT, 'bin/cli-bundle.mjs'), join(root, 'bin', 'cli-bundle.mjs'));
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    if (mainSource !== undefined) {
      mkdirSync(join(root, 'lib', 'cli'), { recursive: true });
      writeFileSync(join(root, 'lib', 'cli', 'main.ts'), mainSource);
    }
    const result = spawnSync(process.execPath, [bin, 'audit'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('sources that cannot be loaded: exit 2 (never 1, "drift") and one line without a stack', () => {
    const result = runBin(undefined);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^driftwatch: .*main\.ts.*\n$/);
  });

  test('an unhandled rejection after main returned: exit 2 and its message on one line', () => {
    const result = runBin(
      "export async function main(): Promise<number> {\n  void Promise.reject(new Error('late failure\\n    at somewhere'));\n  return 0;\n}\n",
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('driftwatch: late failure\n');
  });

  test('an uncaught exception: exit 2 and its message', () => {
    const result = runBin(
      "export async function main(): Promise<number> {\n  setTimeout(() => {\n    throw new TypeError('timer failure');\n  }, 0);\n  return 1;\n}\n",
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('driftwatch: timer failure\n');
  });

  test('the bundle of the current sources runs the CLI as the sources do', () => {
    const run = (bundle: 'on' | 'off') =>
      spawnSync(process.execPath, [join(REPO_ROOT, 'bin/driftwatch.mjs'), 'validate', '--help'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, DRIFTWATCH_BUNDLE: bundle },
      });
    const bundled = run('on');
    const cache = join(REPO_ROOT, 'node_modules/.cache/driftwatch-cli');
    expect(readdirSync(cache).filter((name) => existsSync(join(cache, name, 'main.mjs')))).toHaveLength(1);
    const sources = run('off');
    expect(bundled.status).toBe(0);
    expect({ stdout: bundled.stdout, stderr: bundled.stderr }).toEqual({
      stdout: sources.stdout,
      stderr: sources.stderr,
    });
    expect(bundled.stderr).toContain('Check the config and the declared manifests');
  });

  test('main throwing: exit 2', () => {
    const result = runBin("export async function main(): Promise<number> {\n  throw new Error('main failed');\n}\n");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('driftwatch: main failed\n');
  });
});
