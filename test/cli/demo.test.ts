import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import type { Report } from '../../lib/report/report.ts';
import { REPO_ROOT, runCli } from './run-cli.ts';

const out = mkdtempSync(join(tmpdir(), 'driftwatch-demo-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface SnapshotObject {
  kind: string;
  metadata: { name: string; managedFields?: Array<{ manager: string; time?: string }> };
}

/** When the snapshot says a manager wrote an object: the expected attribution times come from the capture itself. */
function writeTime(kind: string, name: string, manager: string, file = 'demo-cluster.yaml'): string | undefined {
  const snapshot = load(readFileSync(join(REPO_ROOT, 'examples/live', file), 'utf8')) as { items: SnapshotObject[] };
  const object = snapshot.items.find((item) => item.kind === kind && item.metadata.name === name);
  return object?.metadata.managedFields?.find((entry) => entry.manager === manager)?.time;
}

describe('the local demo (README main command)', () => {
  const result = runCli(['audit', '--config', 'examples/driftwatch.yaml', '--out', out, '--format', 'json']);
  const reports = JSON.parse(result.stdout) as Report[];
  const byName = (name: string): Report => {
    const found = reports.find((candidate) => candidate.cluster === name);
    if (!found) throw new Error(`no report for ${name}: ${result.stderr}`);
    return found;
  };
  const report = byName('demo');
  const payments = byName('demo-payments');

  test('exits 1 and records the commit of the git archive', () => {
    expect(result.status, result.stderr).toBe(1);
    expect(report.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(report.scan.complete).toBe(true);
  });

  test('reports exactly the seeded drift, with who changed it and when', () => {
    const summary = report.drift.map((entry) => ({
      status: entry.status,
      object: `${entry.kind} ${entry.namespace ?? ''}/${entry.name}`,
      changes: (entry.changes ?? []).map((change) => [
        change.path,
        change.manager,
        change.subresource ?? '',
        change.time ?? '',
      ]),
      creator: entry.manager ?? '',
    }));
    expect(summary).toEqual([
      { status: 'missing', object: 'ConfigMap shop/feature-flags', changes: [], creator: '' },
      // kubectl scale writes through the scale subresource; the API server records no time for that entry.
      {
        status: 'modified',
        object: 'Deployment shop/checkout',
        changes: [['/spec/replicas', 'kubectl', 'scale', '']],
        creator: '',
      },
      {
        status: 'modified',
        object: 'Deployment shop/web',
        changes: [
          [
            '/spec/template/spec/containers/name=web/image',
            'kubectl-set',
            '',
            writeTime('Deployment', 'web', 'kubectl-set'),
          ],
          [
            '/spec/template/spec/containers/name=web/env/name=DEBUG',
            'kubectl-edit',
            '',
            writeTime('Deployment', 'web', 'kubectl-edit'),
          ],
        ],
        creator: '',
      },
      { status: 'extra', object: 'Role shop/debug-access', changes: [], creator: 'kubectl-create' },
      {
        status: 'modified',
        object: 'Secret shop/db-credentials',
        changes: [['/data/password', 'kubectl-patch', '', writeTime('Secret', 'db-credentials', 'kubectl-patch')]],
        creator: '',
      },
    ]);
  });

  test('the HPA-scaled Deployment and the webhook-injected sidecar are not drift', () => {
    const names = report.drift.map((entry) => entry.name);
    expect(names).not.toContain('api');
    expect(names).not.toContain('cart');
  });

  test('the cluster checks find the crashing privileged debug pod and the cluster-admin grant', () => {
    const findings = report.findings.map(
      (finding) => `${finding.severity} ${finding.check} ${finding.kind}/${finding.name}`,
    );
    expect(findings).toEqual(
      expect.arrayContaining([
        'critical rbac-cluster-admin ClusterRoleBinding/oncall-admin',
        'critical pod-privileged Pod/debug-shell',
        'high pod-crash-loop Pod/debug-shell',
        'medium images-latest Pod/debug-shell',
        'medium hand-made-object Role/debug-access',
      ]),
    );
    expect(report.findings.find((finding) => finding.check === 'pod-crash-loop')?.remediation).toBe(
      'kubectl logs debug-shell -n shop -c debug-shell --previous',
    );
    expect(report.summary.findings.critical).toBe(2);
  });

  test('--fail-on critical fails on the critical findings; --fail-on none never fails', () => {
    const critical = runCli([
      'audit',
      '--config',
      'examples/driftwatch.yaml',
      '--no-write',
      '--format',
      'json',
      '--fail-on',
      'critical',
    ]);
    expect(critical.status).toBe(1);
    const ignoringEverything = runCli([
      'audit',
      '--config',
      'examples/driftwatch.yaml',
      '--no-write',
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(ignoringEverything.status).toBe(0);
  });

  test('the Secret value shows only as digests', () => {
    expect(result.stdout).not.toContain('rotated-by-hand');
    expect(result.stdout).not.toContain(Buffer.from('rotated-by-hand').toString('base64'));
    expect(result.stdout).not.toContain('demo-only-not-a-real-password');
  });

  test('writes the report and says where', () => {
    expect(result.stderr).toContain(join(out, 'latest/demo.json'));
    expect(result.stderr).toContain(join(out, 'latest/demo-payments.json'));
  });

  test('renders the Kustomize overlay next to the plain folder and says how', () => {
    expect(report.source.renderer).toBe('plain');
    expect(payments.source).toMatchObject({
      renderer: 'kustomize',
      tool: { name: 'dwrender', versions: { kustomize: 'v5.8.2', helm: 'v4.3.2' } },
    });
    expect(payments.summary).toMatchObject({ declared: 4, compared: 4, modified: 1, missing: 0, extra: 0 });
    expect(payments.scan.complete).toBe(true);
  });

  test('finds the hand-added env var on the rendered Deployment, attributed, with the command that restores Git', () => {
    expect(payments.drift).toStrictEqual([
      expect.objectContaining({
        status: 'modified',
        kind: 'Deployment',
        namespace: 'payments',
        name: 'demo-api',
        changes: [
          expect.objectContaining({
            path: '/spec/template/spec/containers/name=api/env/name=DEBUG',
            manager: 'kubectl-set',
            time: writeTime('Deployment', 'demo-api', 'kubectl-set', 'payments-cluster.yaml'),
          }),
        ],
        remediation: {
          command: `driftwatch render --source ${join(REPO_ROOT, 'examples/gitops.tar.gz')} --path clusters/demo-payments --object Deployment/payments/demo-api --format yaml | kubectl apply --server-side --force-conflicts -f -`,
          keep: {
            file: 'clusters/demo-payments/kustomization.yaml',
            paths: ['/spec/template/spec/containers/name=api/env/name=DEBUG'],
          },
        },
      }),
    ]);
  });
});
