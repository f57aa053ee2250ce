import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Actor } from '../../lib/auditlog/index.ts';
import type { AttributedDriftEntry } from '../../lib/auditlog/index.ts';
import type { Report } from '../../lib/report/report.ts';
import { runCli } from '../cli/run-cli.ts';
import { driftAsPeople } from './fixtures/actors.ts';
import type { KubeWorld } from '../world/kube.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * Issue 13 on the real test world: changes made by different people (impersonated by the admin, as a support
 * engineer's `kubectl --as` does), a delete by another, an object made by hand; the kube-apiserver's own audit log
 * says who, and the audit puts it on every change and entry.
 */
let world: World;
let kube: KubeWorld;
let workDir: string;
let report: Report;
let table: string;

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: false, slack: false });
  if (!world.kube) throw new Error('no kube-apiserver in the test world');
  kube = world.kube;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-actors-'));
  const source = await driftAsPeople(kube, workDir);
  const result = runCli([
    'audit',
    '--source',
    source,
    '--kubeconfig',
    kube.kubeconfig,
    '--cluster',
    'team',
    '--audit-log',
    kube.auditLog,
    '--format',
    'json',
    '--no-write',
    '--fail-on',
    'none',
  ]);
  expect(result.status, result.stderr).toBe(0);
  report = JSON.parse(result.stdout) as Report;
  table = runCli([
    'audit',
    '--source',
    source,
    '--kubeconfig',
    kube.kubeconfig,
    '--cluster',
    'team',
    '--audit-log',
    kube.auditLog,
    '--no-write',
    '--fail-on',
    'none',
  ]).stdout;
}, 180_000);

afterAll(async () => {
  await world.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function entry(kind: string, name: string): AttributedDriftEntry {
  const found = report.drift.find((item) => item.kind === kind && item.name === name);
  if (!found)
    throw new Error(
      `no drift entry for ${kind} ${name}: ${JSON.stringify(report.drift.map((item) => `${item.kind}/${item.name}`))}`,
    );
  return found;
}

function actorAt(kind: string, name: string, path: string): Actor | undefined {
  return entry(kind, name).changes?.find((change) => change.path === path)?.actor;
}

describe('who made each change, from the kube-apiserver audit log', () => {
  test('each change is attributed to the impersonated person, with the admin as impersonator', () => {
    const image = actorAt('Deployment', 'web', '/spec/template/spec/containers/name=web/image');
    expect(image).toMatchObject({ username: 'alice@example.com', impersonatedBy: 'driftwatch-admin', verb: 'patch' });
    expect(image?.groups).toContain('system:masters');
    expect(image?.userAgent).toMatch(/^kubectl\//);
    expect(image?.sourceIPs).toContain('127.0.0.1');
    expect(actorAt('Deployment', 'web', '/spec/replicas')).toMatchObject({
      username: 'bob@example.com',
      impersonatedBy: 'driftwatch-admin',
    });
    expect(actorAt('ConfigMap', 'settings', '/metadata/labels/owner')).toMatchObject({ username: 'carol@example.com' });
  });

  test('the missing object is attributed to the person who deleted it, the extra one to who made it', () => {
    expect(entry('ConfigMap', 'doomed')).toMatchObject({
      status: 'missing',
      actor: { username: 'dave@example.com', verb: 'delete', impersonatedBy: 'driftwatch-admin' },
    });
    expect(entry('ConfigMap', 'handmade')).toMatchObject({
      status: 'extra',
      actor: { username: 'erin@example.com', verb: 'create' },
    });
    expect(
      report.findings.find((finding) => finding.check === 'hand-made-object' && finding.name === 'handmade'),
    ).toMatchObject({ actor: { username: 'erin@example.com', verb: 'create' } });
  });

  test('scan.auditLog counts what was matched; nothing is left unmatched', () => {
    expect(report.scan.auditLog).toHaveProperty('events');
    expect(report.scan.auditLog).toMatchObject({ source: 'file audit.log', unmatched: 0 });
    const summary = report.scan.auditLog;
    if (!summary || !('matched' in summary)) throw new Error('no audit log counts');
    expect(summary.matched).toBe(6); // 3 changes, the missing and the extra ConfigMap, the hand-made-object finding
    expect(summary.events).toBeGreaterThanOrEqual(6);
  });

  test('the table names the person', () => {
    expect(table).toContain('kubectl-set by alice@example.com at');
    expect(table).toContain('deleted by dave@example.com at');
  });
});
