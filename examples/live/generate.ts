/**
 * Regenerates `demo-cluster.yaml`: applies the demo GitOps repository to a real kube-apiserver (the test world),
 * drifts it by hand with real kubectl commands, and saves what `kubectl get -o yaml --show-managed-fields` prints.
 *
 *   node examples/live/generate.ts
 *
 * No controllers or kubelets run in the test world, so what a real cluster does by itself is done here on its
 * behalf: the HPA controller scaling `api` (a write through the scale subresource as kube-controller-manager), the
 * deployment controller and kubelet reporting status (status subresource), and a mesh sidecar injector (a real
 * MutatingAdmissionPolicy, see mesh-injector.yaml).
 *
 * Besides drift, the cluster gets a few things the hygiene checks find: a privileged debug pod started by hand from a
 * `:latest` image that keeps crashing, and a ClusterRoleBinding that grants cluster-admin to a person.
 *
 * The payments service is a Kustomize overlay (clusters/demo-payments): it is rendered with the project's renderer
 * (npm run build:renderer) and applied as Argo CD would, drifted with `kubectl set env`, and saved to
 * `payments-cluster.yaml`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { CAPTURED_KINDS_ANNOTATION } from '../../lib/cluster/snapshot.ts';
import { DEFAULT_RENDERER_SETTINGS, prepareManifests } from '../../lib/render/index.ts';
import { openSource } from '../../lib/source/open.ts';
import { startWorld } from '../../test/world/testenv.ts';
import type { KubeWorld } from '../../test/world/kube.ts';

const here = import.meta.dirname;

/** What the snapshot captures in namespace shop: resource for kubectl, kind for the captured-kinds annotation. */
const CAPTURED: ReadonlyArray<readonly [string, string]> = [
  ['deployments', 'Deployment.apps'],
  ['services', 'Service'],
  ['configmaps', 'ConfigMap'],
  ['secrets', 'Secret'],
  ['serviceaccounts', 'ServiceAccount'],
  ['roles', 'Role.rbac.authorization.k8s.io'],
  ['rolebindings', 'RoleBinding.rbac.authorization.k8s.io'],
  ['horizontalpodautoscalers', 'HorizontalPodAutoscaler.autoscaling'],
  ['pods', 'Pod'],
];
const manifests = join(here, '../gitops/clusters/demo');
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `kubectl edit` with an editor that adds `DEBUG=true` under the web container's env, as a person would. */
function addDebugEnvEditor(folder: string): string {
  const script = join(folder, 'add-debug-env.mjs');
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
const text = readFileSync(file, 'utf8');
const edited = text.replace(/^(\\s*)- name: LOG_LEVEL\\n(\\s*)value: info\\n/m, (all, dash, value) => all + dash + '- name: DEBUG\\n' + value + 'value: "true"\\n');
if (edited === text) process.exit(1);
writeFileSync(file, edited);
`,
  );
  return `${process.execPath} ${script}`;
}

async function drift(kube: KubeWorld, folder: string): Promise<void> {
  const shop = ['-n', 'shop'];
  // Each step a little apart, so the managedFields times tell the story in order.
  await kube.kubectl(['set', 'image', 'deployment/web', 'web=registry.example.com/shop/web:1.4.3-hotfix', ...shop]);
  await pause(1100);
  process.env['KUBE_EDITOR'] = addDebugEnvEditor(folder);
  await kube.kubectl(['edit', 'deployment/web', ...shop]);
  await pause(1100);
  await kube.kubectl(['scale', 'deployment/checkout', '--replicas=5', ...shop]);
  await pause(1100);
  await kube.kubectl(['delete', 'configmap', 'feature-flags', ...shop]);
  await kube.kubectl(['create', 'role', 'debug-access', '--verb=get,list,watch', '--resource=pods,pods/log', ...shop]);
  await pause(1100);
  await kube.kubectl([
    'patch',
    'secret',
    'db-credentials',
    '--type=merge',
    '-p',
    '{"stringData":{"password":"rotated-by-hand"}}',
    ...shop,
  ]);
  // What the HPA controller would do: scale through the scale subresource.
  await kube.kubectl([
    'patch',
    'deployment/api',
    '--subresource=scale',
    '--type=merge',
    '-p',
    '{"spec":{"replicas":4}}',
    '--field-manager=kube-controller-manager',
    ...shop,
  ]);
  await kube.kubectl([
    'create',
    'clusterrolebinding',
    'oncall-admin',
    '--clusterrole=cluster-admin',
    '--user=alice@example.com',
  ]);
  const debugPod = {
    spec: {
      containers: [
        {
          name: 'debug-shell',
          image: 'busybox:latest',
          command: ['sh', '-c', 'exit 1'],
          securityContext: { privileged: true },
        },
      ],
    },
  };
  await kube.kubectl([
    'run',
    'debug-shell',
    '--image=busybox:latest',
    '--restart=Always',
    `--overrides=${JSON.stringify(debugPod)}`,
    ...shop,
  ]);
}

/** The status a kubelet and the deployment controller would report. */
async function reportStatus(kube: KubeWorld): Promise<void> {
  const shop = ['-n', 'shop'];
  for (const [name, replicas] of [
    ['web', 3],
    ['checkout', 5],
    ['api', 4],
    ['cart', 1],
  ] as const) {
    const status = {
      status: {
        observedGeneration: 1,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      },
    };
    await kube.kubectl([
      'patch',
      `deployment/${name}`,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
      '--field-manager=kube-controller-manager',
      ...shop,
    ]);
  }
  const crashing = {
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'debug-shell',
          image: 'busybox:latest',
          imageID: '',
          ready: false,
          restartCount: 14,
          started: false,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=debug-shell' },
          },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
    },
  };
  await kube.kubectl([
    'patch',
    'pod/debug-shell',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify(crashing),
    '--field-manager=kubelet',
    ...shop,
  ]);
}

/** The overlay as kustomize renders it: the objects Argo CD would apply. */
async function renderedPayments(): Promise<string> {
  const tree = await openSource(join(here, '../gitops'));
  const prepared = await prepareManifests(tree, 'clusters/demo-payments', { settings: DEFAULT_RENDERER_SETTINGS });
  return prepared.files.map((file) => file.content.toString('utf8')).join('\n---\n');
}

async function deployPayments(kube: KubeWorld): Promise<void> {
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], {
    input: await renderedPayments(),
  });
  await pause(1100);
  await kube.kubectl(['set', 'env', 'deployment/demo-api', 'DEBUG=true', '-n', 'payments']);
  const status = {
    status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
  };
  await kube.kubectl([
    'patch',
    'deployment/demo-api',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify(status),
    '--field-manager=kube-controller-manager',
    '-n',
    'payments',
  ]);
}

async function paymentsSnapshot(kube: KubeWorld): Promise<string> {
  const kinds: ReadonlyArray<readonly [string, string]> = [
    ['deployments', 'Deployment.apps'],
    ['services', 'Service'],
    ['configmaps', 'ConfigMap'],
  ];
  const namespaced = await kube.kubectl([
    'get',
    kinds.map(([resource]) => resource).join(','),
    '-n',
    'payments',
    '-o',
    'yaml',
    '--show-managed-fields',
  ]);
  const namespace = await kube.kubectl(['get', 'namespace', 'payments', '-o', 'yaml', '--show-managed-fields']);
  const items = [load(namespace.stdout), ...(load(namespaced.stdout) as { items: unknown[] }).items];
  const header = [
    "# Live state of the demo cluster's payments namespace (a Kustomize overlay, clusters/demo-payments), as",
    '# `kubectl get -o yaml --show-managed-fields` printed it after examples/live/generate.ts drifted it.',
  ].join('\n');
  const capturedKinds = ['Namespace', ...kinds.map(([, kind]) => kind)].join(',');
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { annotations: { [CAPTURED_KINDS_ANNOTATION]: capturedKinds } },
    items,
  };
  return `${header}\n${dump(list, { lineWidth: -1 })}`;
}

async function snapshot(kube: KubeWorld): Promise<string> {
  const namespaced = await kube.kubectl([
    'get',
    CAPTURED.map(([resource]) => resource).join(','),
    '-n',
    'shop',
    '-o',
    'yaml',
    '--show-managed-fields',
  ]);
  const namespace = await kube.kubectl(['get', 'namespace', 'shop', '-o', 'yaml', '--show-managed-fields']);
  const binding = await kube.kubectl([
    'get',
    'clusterrolebinding',
    'oncall-admin',
    '-o',
    'yaml',
    '--show-managed-fields',
  ]);
  const namespacedItems = (load(namespaced.stdout) as { items: unknown[] }).items;
  const items = [load(namespace.stdout), load(binding.stdout), ...namespacedItems];
  const header = [
    '# Live state of the demo cluster, as `kubectl get -o yaml --show-managed-fields` printed it after the drift in',
    '# examples/live/generate.ts (regenerate with: node examples/live/generate.ts).',
  ].join('\n');
  const capturedKinds = [
    'Namespace',
    'ClusterRoleBinding.rbac.authorization.k8s.io',
    ...CAPTURED.map(([, kind]) => kind),
  ].join(',');
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { annotations: { [CAPTURED_KINDS_ANNOTATION]: capturedKinds } },
    items,
  };
  return `${header}\n${dump(list, { lineWidth: -1 })}`;
}

async function main(): Promise<void> {
  const world = await startWorld({ kube: true, moto: false, slack: false });
  try {
    const kube = world.kube;
    if (!kube) throw new Error('the test world started without kube-apiserver');
    await kube.kubectl(['apply', '--server-side', '-f', join(here, 'mesh-injector.yaml')]);
    await pause(1500); // the policy is picked up asynchronously
    await kube.kubectl([
      'apply',
      '--server-side',
      '--field-manager=argocd-controller',
      '-f',
      join(manifests, 'namespace.yaml'),
    ]);
    await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', manifests]);
    await pause(1100);
    await drift(kube, world.dir);
    await reportStatus(kube);
    await deployPayments(kube);
    writeFileSync(join(here, 'demo-cluster.yaml'), await snapshot(kube));
    writeFileSync(join(here, 'payments-cluster.yaml'), await paymentsSnapshot(kube));
    process.stdout.write(`wrote ${join(here, 'demo-cluster.yaml')} and ${join(here, 'payments-cluster.yaml')}\n`);
  } finally {
    await world.stop();
  }
}

await main();
