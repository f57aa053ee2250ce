/**
 * How fast the drift engine and the checks are on a large cluster: N Deployments declared, their live twins with
 * server defaults, managedFields, and drift on every tenth.
 *
 *   node bench/audit-large.ts [objects=5000]
 *
 * Prints objects, wall time and heap growth for computeDrift and runChecks separately.
 */
import { randomBytes } from 'node:crypto';
import { runChecks, DEFAULT_CHECKS_CONFIG } from '../lib/checks/index.ts';
import type { LiveState } from '../lib/cluster/types.ts';
import { computeDrift } from '../lib/diff/drift.ts';
import type { KubeObject } from '../lib/kube/object.ts';
import type { DeclaredObject } from '../lib/source/types.ts';

const count = Number(process.argv[2] ?? 5000);

function declaredDeployment(index: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `app-${index}`, namespace: `team-${index % 50}`, labels: { app: `app-${index}` } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: `app-${index}` } },
      template: {
        metadata: { labels: { app: `app-${index}` } },
        spec: {
          containers: [
            {
              name: 'main',
              image: `registry.example.com/app-${index}:1.0.${index}`,
              ports: [{ containerPort: 8080, name: 'http' }],
              env: Array.from({ length: 10 }, (_, envIndex) => ({
                name: `VAR_${envIndex}`,
                value: `value-${envIndex}`,
              })),
              resources: { requests: { cpu: '0.25', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            },
          ],
        },
      },
    },
  };
}

function liveTwin(declared: KubeObject, index: number): KubeObject {
  const live = structuredClone(declared) as KubeObject & {
    spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
  };
  live.metadata = {
    ...live.metadata,
    uid: `uid-${index}`,
    resourceVersion: String(index),
    generation: 1,
    creationTimestamp: '2026-11-01T00:00:00Z',
  };
  const container = live.spec.template.spec.containers[0];
  if (container) {
    container['imagePullPolicy'] = 'IfNotPresent';
    container['terminationMessagePath'] = '/dev/termination-log';
    container['resources'] = { requests: { cpu: '250m', memory: '268435456' }, limits: { cpu: '1', memory: '512Mi' } };
    if (index % 10 === 0) container['image'] = `registry.example.com/app-${index}:hotfix`;
  }
  live.metadata.managedFields = [
    {
      manager: 'argocd-controller',
      operation: 'Apply',
      time: '2026-11-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:spec': {
          'f:replicas': {},
          'f:template': {
            'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:env': {} } } },
          },
        },
      },
    },
    ...(index % 10 === 0
      ? [
          {
            manager: 'kubectl-set',
            operation: 'Update',
            time: '2026-11-20T10:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"main"}': { 'f:image': {} } } } } },
            },
          },
        ]
      : []),
  ];
  live['status'] = { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2, observedGeneration: 1 };
  return live;
}

function measure<T>(label: string, run: () => T): T {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = run();
  const elapsed = performance.now() - started;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  process.stdout.write(`${label}: ${elapsed.toFixed(0)} ms, heap +${heapMb.toFixed(1)} MiB\n`);
  return result;
}

const declared: DeclaredObject[] = Array.from({ length: count }, (_, index) => ({
  object: declaredDeployment(index),
  file: `app-${index}.yaml`,
  line: 1,
}));
const live: LiveState = {
  origin: 'bench',
  objects: declared.map(({ object }, index) => liveTwin(object, index)),
  lists: [],
  complete: true,
  clusterScopedKinds: [],
};
process.stdout.write(`${count} declared Deployments, ${live.objects.length} live objects\n`);
const result = measure('computeDrift', () => computeDrift(declared, live, { secretDigestKey: randomBytes(32) }));
process.stdout.write(`  ${result.drift.length} modified (expected ${Math.ceil(count / 10)})\n`);
if (process.env['BENCH_DEBUG']) process.stdout.write(JSON.stringify(result.drift.slice(0, 2), null, 1));
const findings = measure('runChecks', () =>
  runChecks({ objects: live.objects, now: new Date(), config: DEFAULT_CHECKS_CONFIG }),
);
process.stdout.write(`  ${findings.length} findings\n`);
process.stdout.write(`rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB\n`);
