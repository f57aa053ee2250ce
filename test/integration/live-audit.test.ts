import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readCluster } from '../../lib/cluster/live.ts';
import { isKubeObject } from '../../lib/kube/object.ts';
import type { KubeObject } from '../../lib/kube/object.ts';
import { auditCluster } from '../../lib/pipeline/audit-cluster.ts';
import type { Report } from '../../lib/report/report.ts';
import { exitCode } from '../../lib/cli/audit.ts';
import { openSource } from '../../lib/source/open.ts';
import { REPO_ROOT, runCli } from '../cli/run-cli.ts';
import type { KubeWorld } from '../world/kube.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * driftwatch against a real kube-apiserver: the demo repository applied with server-side apply (namespace `ssa`)
 * and with client-side apply (namespace `csa`), then drifted with real kubectl commands.
 */
const NAMESPACES = ['ssa', 'csa'] as const;
type Namespace = (typeof NAMESPACES)[number];

let world: World;
let kube: KubeWorld;
let workDir: string;
let source: string;
/** Every declared object, one file each, so that `kubectl diff` can be asked about each on its own. */
const declaredFiles = new Map<Namespace, Array<{ object: KubeObject; file: string }>>();

function objectsOf(file: string): KubeObject[] {
  return loadAll(readFileSync(file, 'utf8')).filter(isKubeObject);
}

/** The demo manifests, moved to namespace `ns`, one object per file, plus a Widget custom resource. */
function writeSource(ns: Namespace): void {
  const folder = join(source, ns);
  mkdirSync(folder, { recursive: true });
  const demo = join(REPO_ROOT, 'examples/gitops/clusters/demo');
  const objects = [
    ...readdirSync(demo).flatMap((name) => objectsOf(join(demo, name))),
    ...objectsOf(join(import.meta.dirname, 'fixtures/widget.yaml')),
  ];
  const files: Array<{ object: KubeObject; file: string }> = [];
  for (const object of objects) {
    if (object.kind === 'Namespace') object.metadata.name = ns;
    else object.metadata.namespace = ns;
    const file = join(folder, `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`);
    writeFileSync(file, dump(object));
    files.push({ object, file });
  }
  declaredFiles.set(ns, files);
}

function audit(
  ns: Namespace,
  extra: string[] = [],
  kubeconfig = kube.kubeconfig,
): { status: number; report: Report; stderr: string } {
  const result = runCli([
    'audit',
    '--source',
    source,
    '--path',
    ns,
    '--kubeconfig',
    kubeconfig,
    '--cluster',
    ns,
    '--format',
    'json',
    '--no-write',
    ...extra,
  ]);
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON report (exit ${result.status}): ${result.stderr}`);
  }
  return { status: result.status, report, stderr: result.stderr };
}

async function applyAll(): Promise<void> {
  await kube.kubectl(['apply', '--server-side', '-f', join(REPO_ROOT, 'examples/live/mesh-injector.yaml')]);
  await kube.kubectl([
    'apply',
    '--server-side',
    '--field-manager=argocd-controller',
    '-f',
    join(import.meta.dirname, 'fixtures/widgets-crd.yaml'),
  ]);
  await kube.kubectl(['wait', '--for=condition=Established', 'crd/widgets.demo.driftwatch.dev', '--timeout=30s']);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the admission policy is picked up asynchronously
  for (const ns of NAMESPACES) {
    const namespaceFile = declaredFiles.get(ns)?.find(({ object }) => object.kind === 'Namespace')?.file ?? '';
    const applyArgs = ns === 'ssa' ? ['apply', '--server-side', '--field-manager=argocd-controller'] : ['apply'];
    await kube.kubectl([...applyArgs, '-f', namespaceFile]);
    await kube.kubectl([...applyArgs, '-f', join(source, ns)]);
  }
}

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: false, slack: false });
  if (!world.kube) throw new Error('no kube-apiserver in the test world');
  kube = world.kube;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-live-'));
  source = join(workDir, 'src');
  for (const ns of NAMESPACES) writeSource(ns);
  await applyAll();
}, 600_000);

afterAll(async () => {
  await world?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('freshly applied', () => {
  test.each(NAMESPACES)(
    '%s: zero drift (CRD defaults, custom resource, Service allocation, Deployment defaults, HPA, injected sidecar)',
    (ns) => {
      const { status, report, stderr } = audit(ns, ['--include-secrets']);
      expect(report.drift, stderr).toEqual([]);
      expect(status).toBe(0);
      expect(report.scan.complete).toBe(true);
      expect(report.summary.compared).toBe(report.summary.declared);
      const kinds = new Set(report.scan.lists.map((list) => list.kind));
      for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'Widget', 'Secret', 'Namespace'])
        expect(kinds).toContain(kind);
    },
  );

  test('the webhook-style injected sidecar is really there, owned by no manager', async () => {
    const live = JSON.parse(
      (await kube.kubectl(['get', 'deployment', 'cart', '-n', 'ssa', '-o', 'json', '--show-managed-fields'])).stdout,
    ) as {
      spec: { template: { spec: { containers: Array<{ name: string }> } } };
    };
    expect(live.spec.template.spec.containers.map((container) => container.name)).toEqual(['cart', 'mesh-proxy']);
  });
});

describe('least privilege', () => {
  test('an identity bound only to infra/k8s audits the rest; what it may not list is reported as forbidden', async () => {
    await kube.kubectl(['apply', '-f', join(REPO_ROOT, 'infra/k8s')]);
    const auditor = await kube.userKubeconfig('driftwatch-auditor', ['driftwatch:auditors']);
    const denied = await kube.kubectl(['auth', 'can-i', 'list', 'secrets', '--all-namespaces'], {
      kubeconfig: auditor,
      allowFailure: true,
    });
    expect(denied.stdout.trim()).toBe('no');
    const writes = await kube.kubectl(['auth', 'can-i', 'patch', 'deployments', '-n', 'csa'], {
      kubeconfig: auditor,
      allowFailure: true,
    });
    expect(writes.stdout.trim()).toBe('no');
    const { status, report } = audit('csa', [], auditor);
    expect(report.drift).toEqual([]);
    const widgets = report.scan.lists.find((list) => list.kind === 'Widget');
    expect(widgets?.status).toBe('forbidden');
    expect(report.scan.complete).toBe(false);
    expect(report.scan.unverified.map((ref) => ref.kind).sort()).toEqual(['Secret', 'Widget']);
    expect(report.summary.compared).toBe(report.summary.declared - 2);
    expect(status).toBe(3);
  });
});

describe('drifted by hand with kubectl', () => {
  beforeAll(async () => {
    for (const ns of NAMESPACES) {
      const inNs = ['-n', ns];
      await kube.kubectl(['set', 'image', 'deployment/web', 'web=registry.example.com/shop/web:1.4.3-hotfix', ...inNs]);
      await kube.kubectl(['scale', 'deployment/checkout', '--replicas=5', ...inNs]);
      await kube.kubectl(['label', 'deployment/web', 'tier=frontend', ...inNs]);
      await kube.kubectl(['annotate', 'service/web', 'owner=alice', ...inNs]);
      const addEnv = {
        spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'DEBUG', value: 'true' }] }] } } },
      };
      await kube.kubectl([
        'patch',
        'deployment/web',
        '--field-manager=kubectl-edit',
        '--type=strategic',
        '-p',
        JSON.stringify(addEnv),
        ...inNs,
      ]);
      await kube.kubectl(['delete', 'configmap', 'feature-flags', ...inNs]);
      await kube.kubectl(['create', 'configmap', 'scratch', '--from-literal=a=b', ...inNs]);
      await kube.kubectl(['create', 'role', 'debug-access', '--verb=get,list', '--resource=pods', ...inNs]);
    }
  }, 120_000);

  test.each(NAMESPACES)('%s: exactly those drifts, each with the right manager and a time', (ns) => {
    const { status, report } = audit(ns, ['--include-secrets']);
    expect(status).toBe(1);
    const found = report.drift.map((entry) => ({
      object: `${entry.status} ${entry.kind}/${entry.name}`,
      changes: (entry.changes ?? [])
        .map(
          (change) =>
            `${change.path} by ${change.manager ?? '?'}${change.subresource ? ` (${change.subresource})` : ''}`,
        )
        .sort(),
      creator: entry.manager ?? '',
    }));
    expect(found).toEqual([
      { object: 'missing ConfigMap/feature-flags', changes: [], creator: '' },
      { object: 'extra ConfigMap/scratch', changes: [], creator: 'kubectl-create' },
      { object: 'modified Deployment/checkout', changes: ['/spec/replicas by kubectl (scale)'], creator: '' },
      {
        object: 'modified Deployment/web',
        changes: [
          '/metadata/labels/tier by kubectl-label',
          '/spec/template/spec/containers/name=web/env/name=DEBUG by kubectl-edit',
          '/spec/template/spec/containers/name=web/image by kubectl-set',
        ],
        creator: '',
      },
      { object: 'extra Role/debug-access', changes: [], creator: 'kubectl-create' },
      { object: 'modified Service/web', changes: ['/metadata/annotations/owner by kubectl-annotate'], creator: '' },
    ]);
    // Every write through the main resource carries a time; the scale subresource records none.
    for (const entry of report.drift) {
      for (const change of entry.changes ?? []) {
        if (change.subresource !== 'scale')
          expect(change.time, change.path).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
    }
  });

  test.each(NAMESPACES)(
    '%s: kubectl diff and driftwatch agree on which declared objects applying Git would change',
    async (ns) => {
      const { report } = audit(ns, ['--include-secrets']);
      const applyChanges = (object: KubeObject): boolean =>
        report.drift.some(
          (entry) =>
            entry.kind === object.kind &&
            entry.name === object.metadata.name &&
            (entry.status === 'missing' || (entry.changes ?? []).some((change) => change.reason !== 'live-only')),
        );
      const disagreements: string[] = [];
      let liveOnlyExtras = 0;
      for (const { object, file } of declaredFiles.get(ns) ?? []) {
        const diffArgs =
          ns === 'ssa'
            ? ['diff', '--server-side', '--force-conflicts', '--field-manager=argocd-controller', '-f', file]
            : ['diff', '-f', file];
        const diff = await kube.kubectl(diffArgs, { allowFailure: true });
        if (diff.code > 1) throw new Error(`kubectl diff failed for ${file}: ${diff.stderr}`);
        const kubectlSaysChange = diff.code === 1;
        if (kubectlSaysChange !== applyChanges(object))
          disagreements.push(`${object.kind}/${object.metadata.name}: kubectl diff ${kubectlSaysChange}`);
      }
      for (const entry of report.drift)
        liveOnlyExtras += (entry.changes ?? []).filter((change) => change.reason === 'live-only').length;
      const extraObjects = report.drift.filter((entry) => entry.status === 'extra').length;
      console.log(
        `${ns}: kubectl diff agrees on ${declaredFiles.get(ns)?.length ?? 0} declared objects; driftwatch reports more in its extra categories: ${liveOnlyExtras} hand-added fields, ${extraObjects} extra objects`,
      );
      expect(disagreements).toEqual([]);
      expect(liveOnlyExtras).toBe(3);
      expect(extraObjects).toBe(2);
    },
  );
});

describe('faults', () => {
  test('an API server that stops answering mid-audit gives a report marked incomplete, not "no drift"', async () => {
    const apiserver = kube.daemons.find((daemon) => daemon.name === 'kube-apiserver');
    if (!apiserver) throw new Error('no kube-apiserver daemon');
    const tree = await openSource(source);
    let frozen = false;
    try {
      const report = await auditCluster({
        cluster: 'ssa',
        sourcePath: 'ssa',
        tree,
        runId: 'fault',
        readLive: (kinds, namespaces) =>
          readCluster({
            kubeconfigPath: kube.kubeconfig,
            kinds: [...kinds],
            ...(namespaces ? { namespaces: [...namespaces] } : {}),
            timeoutMs: 1500,
            onProgress: (line) => {
              // Freeze the API server between discovery and the lists, exactly once.
              if (!frozen && line.startsWith('discovered')) {
                process.kill(-apiserver.pid, 'SIGSTOP');
                frozen = true;
              }
            },
          }),
      });
      expect(frozen).toBe(true);
      expect(report.scan.complete).toBe(false);
      expect(report.scan.lists.filter((list) => list.status === 'failed').length).toBeGreaterThan(0);
      expect(report.drift.filter((entry) => entry.status === 'missing')).toEqual([]);
      expect(report.scan.unverified.length).toBeGreaterThan(0);
      expect(exitCode([report], ['drift'])).not.toBe(0);
    } finally {
      if (frozen) process.kill(-apiserver.pid, 'SIGCONT');
    }
  }, 60_000);

  test('an API server that is gone ends the audit with a clear error (exit 2) and an incomplete report', async () => {
    await kube.stopApiserver();
    const { status, report, stderr } = audit('ssa', ['--request-timeout', '5']);
    expect(status).toBe(2);
    expect(report.scan.complete).toBe(false);
    expect(report.scan.error).toMatch(/API discovery failed/);
    expect(report.drift).toEqual([]);
    expect(stderr).toContain('report marked incomplete');
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
