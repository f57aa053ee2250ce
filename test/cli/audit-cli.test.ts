import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from './run-cli.ts';

const workspace = mkdtempSync(join(tmpdir(), 'driftwatch-cli-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

let counter = 0;
function scenario(files: Record<string, string>, liveItems: unknown[]): { source: string; snapshot: string; folder: string } {
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
    expect(runCli(['audit', '--source', source, '--snapshot', snapshot, '--no-write', '--fail-on', 'none']).status).toBe(0);
    expect(runCli(['audit', '--source', source, '--snapshot', snapshot, '--no-write', '--fail-on', 'missing']).status).toBe(0);
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
    const broken = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: shop\ndata:\n  key: [unclosed\n';
    const { source, snapshot } = scenario({ 'cm.yaml': CONFIG_MAP, 'broken.yaml': broken }, [liveConfigMap('fast')]);
    const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', 'json', '--no-write']);
    const report = JSON.parse(result.stdout) as { source: { failedFiles: Array<{ file: string; line?: number }> }; summary: { compared: number } };
    expect(report.summary.compared).toBe(1);
    expect(report.source.failedFiles).toMatchObject([{ file: 'broken.yaml' }]);
    expect(report.source.failedFiles[0]?.line).toBeGreaterThan(0);
    expect(result.status).toBe(3);
  });

  test('Secret values never reach stdout in any format, a changed value shows as a digest', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: hunter2-declared\n';
    const liveSecret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'shop',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"hunter2-applied"}}' },
      },
      data: { password: Buffer.from('hunter2-live').toString('base64') },
    };
    const { source, snapshot } = scenario({ 'secret.yaml': secret }, [liveSecret]);
    for (const format of ['json', 'table', 'markdown']) {
      const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', format, '--no-write']);
      expect(result.status).toBe(1);
      const everything = result.stdout + result.stderr;
      for (const value of ['hunter2', Buffer.from('hunter2-live').toString('base64'), Buffer.from('hunter2-declared').toString('base64')]) {
        expect(everything).not.toContain(value);
      }
      expect(result.stdout).toMatch(/hmac-sha256:[0-9a-f]{12}/);
    }
  });

  test('without --source only the cluster checks run: one JSON report with findings, no drift, exit 0', () => {
    const result = runCli(['audit', '--snapshot', 'examples/live/demo-cluster.yaml', '--format', 'json', '--no-write']);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { drift: unknown[]; findings: Array<{ check: string }>; source: { location: string } };
    expect(report.drift).toEqual([]);
    expect(report.source.location).toBe('none');
    expect(report.findings.map((finding) => finding.check)).toContain('rbac-cluster-admin');
  });

  test('a kind the snapshot did not capture is unverified, not missing; a captured kind with nothing left is missing', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: x\n';
    const { source, snapshot, folder } = scenario({ 'cm.yaml': CONFIG_MAP, 'secret.yaml': secret }, [liveConfigMap('fast')]);
    const uncaptured = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', 'json', '--no-write']);
    const report = JSON.parse(uncaptured.stdout) as { drift: unknown[]; scan: { complete: boolean; unverified: Array<{ kind: string }> } };
    expect(report.drift).toEqual([]);
    expect(report.scan.unverified).toMatchObject([{ kind: 'Secret' }]);
    expect(report.scan.complete).toBe(false);
    expect(uncaptured.status).toBe(3);
    const captured = join(folder, 'captured.json');
    writeFileSync(captured, JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { annotations: { 'driftwatch.io/captured-kinds': 'ConfigMap,Secret' } }, items: [liveConfigMap('fast')] }));
    const withSecrets = runCli(['audit', '--source', source, '--snapshot', captured, '--format', 'json', '--no-write']);
    expect(withSecrets.status).toBe(1);
    expect(JSON.parse(withSecrets.stdout)).toMatchObject({ drift: [{ kind: 'Secret', name: 'db', status: 'missing' }] });
  });

  test('an unknown option is a usage error: exit 2, message on stderr, nothing on stdout', () => {
    const result = runCli(['audit', '--frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(result.stdout).toBe('');
  });

  test('a missing source is a clear error without a stack trace (exit 2)', () => {
    const result = runCli(['audit', '--source', join(workspace, 'nowhere'), '--snapshot', join(workspace, 'nowhere.json')]);
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
