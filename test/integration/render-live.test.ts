import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftEntry } from '../../lib/diff/drift.ts';
import { isKubeObject } from '../../lib/kube/object.ts';
import type { KubeObject } from '../../lib/kube/object.ts';
import type { Report } from '../../lib/report/report.ts';
import { REPO_ROOT, runCli } from '../cli/run-cli.ts';
import type { KubeWorld } from '../world/kube.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * Rendered declared state on a real kube-apiserver: a Kustomize overlay and a Helm chart written here, rendered with
 * our dwrender exactly as the audit renders them, applied server-side as Argo CD does, then audited, drifted with
 * kubectl, and repaired with the remediation command the report gives.
 */
const RENDERER = join(REPO_ROOT, 'renderer/bin/dwrender');
const SECRET_LITERAL = 'kustomize-literal-s3cret-9f2';
const OVERLAY_NS = 'shop';
const CHART_NS = 'storefront';
const RELEASE = 'shop';
/** The options the chart is audited with, and rendered with for apply. */
const HELM_FLAGS = [
  '--helm-release',
  RELEASE,
  '--helm-namespace',
  CHART_NS,
  '--helm-values',
  'values-prod.yaml',
  '--helm-set',
  'greeting=from-set',
];

let world: World;
let kube: KubeWorld;
let workDir: string;
/** The GitOps repository: base, component, overlay and chart. */
let source: string;
/** A second repository with what the renderer must refuse. */
let refused: string;
/** gitVersion of the test world's kube-apiserver. */
let liveKubeVersion: string;
/** What dwrender printed for apply, parsed. */
let renderedOverlay: KubeObject[];
let renderedChart: KubeObject[];

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const OVERLAY_FILES: Record<string, string> = {
  'base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
configMapGenerator:
  - name: web-settings
    literals:
      - LOG_LEVEL=info
      - GREETING=hello
`,
  'base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: web
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef:
                name: web-settings
`,
  'base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
`,
  'components/disruption/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - pdb.yaml
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        annotations:
          disruption.driftwatch.dev/budget: web
`,
  'components/disruption/pdb.yaml': `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
`,
  'overlay/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${OVERLAY_NS}
namePrefix: prod-
resources:
  - namespace.yaml
  - ../base
components:
  - ../components/disruption
images:
  - name: web
    newName: registry.example.com/shop/web
    newTag: "2.4.1"
labels:
  - pairs:
      env: prod
    includeSelectors: true
  - pairs:
      team: payments
configMapGenerator:
  - name: web-settings
    behavior: merge
    literals:
      - LOG_LEVEL=warn
secretGenerator:
  - name: web-credentials
    literals:
      - password=${SECRET_LITERAL}
patches:
  - path: replicas.yaml
  - target:
      kind: Deployment
      name: web
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/args
        value: ["--port=8080", "--mode=prod"]
`,
  'overlay/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: ${OVERLAY_NS}
`,
  'overlay/replicas.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: web-credentials
                  key: password
`,
};

const CHART_FILES: Record<string, string> = {
  'chart/Chart.yaml': `apiVersion: v2
name: storefront
type: application
version: 1.4.2
appVersion: "3.1.0"
dependencies:
  - name: cache
    version: 0.2.0
    condition: cache.enabled
  - name: search
    version: 0.3.0
    condition: search.enabled
`,
  'chart/values.yaml': `replicaCount: 1
image:
  repository: registry.example.com/shop/storefront
  tag: "3.1.0"
greeting: from-values
color: blue
tier: dev
cache:
  enabled: true
search:
  enabled: false
`,
  'chart/values-prod.yaml': `replicaCount: 2
greeting: from-prod-values
tier: prod
`,
  'chart/crds/gadgets.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.charts.driftwatch.dev
spec:
  group: charts.driftwatch.dev
  names:
    kind: Gadget
    listKind: GadgetList
    plural: gadgets
    singular: gadget
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size:
                  type: integer
                color:
                  type: string
`,
  'chart/templates/_helpers.tpl': `{{- define "storefront.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
`,
  'chart/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "storefront.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Chart.Name }}
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .Chart.Name }}
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          env:
            - name: GREETING
              value: {{ .Values.greeting | quote }}
`,
  'chart/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "storefront.labels" . | nindent 4 }}
data:
  greeting: {{ .Values.greeting | quote }}
  color: {{ .Values.color | quote }}
  tier: {{ .Values.tier | quote }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
`,
  'chart/templates/gadget.yaml': `apiVersion: charts.driftwatch.dev/v1
kind: Gadget
metadata:
  name: {{ .Release.Name }}-gadget
spec:
  size: {{ .Values.replicaCount }}
  color: {{ .Values.color | quote }}
`,
  'chart/templates/tests/test-connection.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test-connection
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: busybox:1.36
      command: ["wget", "{{ .Release.Name }}-web:80"]
`,
  'chart/templates/pre-install-job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install
    helm.sh/hook-weight: "-5"
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          args: ["migrate"]
`,
  'chart/charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 0.2.0\n',
  'chart/charts/cache/values.yaml': 'port: 6379\n',
  'chart/charts/cache/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cache
data:
  port: {{ .Values.port | quote }}
`,
  'chart/charts/search/Chart.yaml': 'apiVersion: v2\nname: search\nversion: 0.3.0\n',
  'chart/charts/search/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-search
data:
  engine: lucene
`,
};

const REFUSED_FILES: Record<string, string> = {
  'remote/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.8.2
`,
  'undeclared-dependency/Chart.yaml': `apiVersion: v2
name: needs-redis
version: 0.1.0
dependencies:
  - name: redis
    version: 18.1.0
    repository: https://charts.example.com/stable
`,
  'undeclared-dependency/templates/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: needs-redis\n',
};

/** The objects the overlay declares; the generated names end in kustomize's content hash. */
const OVERLAY_OBJECTS = [
  /^ConfigMap shop\/prod-web-settings-[a-z0-9]{10}$/,
  /^Deployment shop\/prod-web$/,
  /^Namespace \/shop$/,
  /^PodDisruptionBudget shop\/prod-web$/,
  /^Secret shop\/prod-web-credentials-[a-z0-9]{10}$/,
  /^Service shop\/prod-web$/,
];
/** What the chart declares: the CRD from crds/, the enabled subchart, no disabled subchart, no test hook, no install hook. */
const CHART_OBJECTS = [
  'ConfigMap storefront/shop-cache',
  'ConfigMap storefront/shop-settings',
  'CustomResourceDefinition /gadgets.charts.driftwatch.dev',
  'Deployment storefront/shop-web',
  'Gadget storefront/shop-gadget',
];

function objectsIn(text: string): KubeObject[] {
  return loadAll(text).filter(isKubeObject);
}

function idOf(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function ids(objects: readonly KubeObject[]): string[] {
  return objects.map(idOf).sort();
}

function find(objects: readonly KubeObject[], kind: string, namePattern: RegExp): KubeObject {
  const found = objects.find((object) => object.kind === kind && namePattern.test(object.metadata.name));
  if (!found) throw new Error(`no ${kind} matching ${namePattern.source} in ${ids(objects).join(', ')}`);
  return found;
}

/** A field of an object by a path of keys and indexes, as unknown: the assertions say what it must be. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === 'number') current = Array.isArray(current) ? current[key] : undefined;
    else
      current =
        typeof current === 'object' && current !== null && !Array.isArray(current)
          ? (current as Record<string, unknown>)[key]
          : undefined;
  }
  return current;
}

/** Runs our renderer as the audit runs it (its stock kustomize/helm command line). */
function dwrender(args: readonly string[]): string {
  const result = spawnSync(RENDERER, args, { cwd: source, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`dwrender ${args.join(' ')} failed (exit ${String(result.status)}): ${result.stderr}`);
  return result.stdout;
}

function audit(
  path: string,
  cluster: string,
  extra: readonly string[] = [],
): { status: number; report: Report; stderr: string } {
  const result = runCli([
    'audit',
    '--source',
    source,
    '--path',
    path,
    '--kubeconfig',
    kube.kubeconfig,
    '--cluster',
    cluster,
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

const auditOverlay = (): ReturnType<typeof audit> => audit('overlay', 'overlay', ['--include-secrets']);
const auditChart = (extra: readonly string[] = []): ReturnType<typeof audit> =>
  audit('chart', 'chart', [...HELM_FLAGS, ...extra]);

/** A drift entry in a form that says everything the assertion needs: which object, which field, from what to what, by whom. */
function described(entry: DriftEntry): {
  object: string;
  changes: Array<{ path: string; declared: unknown; live: unknown; manager: string | undefined }>;
} {
  return {
    object: `${entry.status} ${entry.kind} ${entry.namespace ?? ''}/${entry.name}`,
    changes: (entry.changes ?? []).map((change) => ({
      path: change.path,
      declared: change.declared,
      live: change.live,
      manager: change.manager,
    })),
  };
}

/**
 * Runs a report's remediation for real: `driftwatch` is this checkout's bin on the pinned Node (as runCli runs it),
 * and `kubectl` the test world's, with its kubeconfig.
 */
function runRemediation(command: string, cwd = REPO_ROOT): { status: number; stdout: string; stderr: string } {
  expect(command).toMatch(/^driftwatch render --source .* \| kubectl apply --server-side --force-conflicts -f -$/);
  const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const runnable = command
    .replace(/^driftwatch /, `${quote(process.execPath)} ${quote(join(REPO_ROOT, 'bin/driftwatch.mjs'))} `)
    .replace(/\| kubectl /, `| ${quote(kube.kubectlPath)} --kubeconfig ${quote(kube.kubeconfig)} `);
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', runnable], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function onlyEntry(report: Report): DriftEntry {
  expect(report.drift).toHaveLength(1);
  const [entry] = report.drift;
  if (!entry) throw new Error('no drift entry');
  return entry;
}

async function applyServerSide(
  objects: readonly KubeObject[],
  options: { namespace?: string; force?: boolean } = {},
): Promise<void> {
  const input = objects.map((object) => `---\n${dump(object, { noRefs: true, lineWidth: -1 })}`).join('');
  const flags = [
    ...(options.namespace ? ['-n', options.namespace] : []),
    ...(options.force ? ['--force-conflicts'] : []),
  ];
  await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', ...flags, '-f', '-'], { input });
}

/** Applies the rendered chart again, as Argo CD's sync would: each drift test starts from Git. */
async function syncChart(): Promise<void> {
  await applyServerSide(
    renderedChart.filter((object) => object.kind !== 'CustomResourceDefinition' && !isHook(object)),
    { namespace: CHART_NS, force: true },
  );
}

const isHook = (object: KubeObject): boolean => object.metadata.annotations?.['helm.sh/hook'] !== undefined;

beforeAll(async () => {
  try {
    const stat = statSync(RENDERER);
    if (!stat.isFile()) throw new Error('not a file');
    accessSync(RENDERER, constants.X_OK);
  } catch (error) {
    throw new Error(
      `the renderer ${RENDERER} is missing or not executable (${error instanceof Error ? error.message : String(error)}): build it (renderer/build.sh, npm run build:renderer) before this suite`,
    );
  }
  world = await startWorld({ kube: true, moto: false, slack: false });
  if (!world.kube) throw new Error('no kube-apiserver in the test world');
  kube = world.kube;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-render-live-'));
  source = join(workDir, 'gitops');
  refused = join(workDir, 'refused');
  writeTree(source, { ...OVERLAY_FILES, ...CHART_FILES });
  writeTree(refused, REFUSED_FILES);
  const version = JSON.parse((await kube.kubectl(['version', '-o', 'json'])).stdout) as {
    serverVersion?: { gitVersion?: string };
  };
  liveKubeVersion = version.serverVersion?.gitVersion ?? '';

  // The overlay, as `kustomize build` prints it with the audit's default load restrictor.
  renderedOverlay = objectsIn(
    dwrender(['kustomize', 'build', join(source, 'overlay'), '--load-restrictor', 'LoadRestrictionsRootOnly']),
  );
  await applyServerSide(renderedOverlay);

  // The chart, as `helm template` prints it for the audit (CRDs included, tests skipped, the live kube version);
  // hooks run at install time and are not part of the release, so they are not applied (as Helm and Argo CD do).
  renderedChart = objectsIn(
    dwrender([
      'helm',
      'template',
      RELEASE,
      join(source, 'chart'),
      '--namespace',
      CHART_NS,
      '--include-crds',
      '--skip-tests',
      '--values',
      join(source, 'chart/values-prod.yaml'),
      '--set',
      'greeting=from-set',
      '--kube-version',
      liveKubeVersion,
    ]),
  );
  await kube.kubectl(['create', 'namespace', CHART_NS]);
  await applyServerSide(renderedChart.filter((object) => object.kind === 'CustomResourceDefinition'));
  await kube.kubectl(['wait', '--for=condition=Established', 'crd/gadgets.charts.driftwatch.dev', '--timeout=30s']);
  await syncChart();
}, 600_000);

afterAll(async () => {
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('what the renderer printed (the objects applied)', () => {
  test('the overlay: namespace, namePrefix, images, labels, generators with hashed names, both patches and the component', () => {
    expect(ids(renderedOverlay)).toHaveLength(OVERLAY_OBJECTS.length);
    for (const [index, id] of ids(renderedOverlay).entries()) expect(id).toMatch(OVERLAY_OBJECTS[index] ?? /^$/);
    const deployment = find(renderedOverlay, 'Deployment', /^prod-web$/);
    const settings = find(renderedOverlay, 'ConfigMap', /^prod-web-settings-/);
    const credentials = find(renderedOverlay, 'Secret', /^prod-web-credentials-/);
    const container = at(deployment, 'spec', 'template', 'spec', 'containers', 0);
    expect(at(container, 'image')).toBe('registry.example.com/shop/web:2.4.1');
    expect(at(container, 'envFrom', 0, 'configMapRef', 'name')).toBe(settings.metadata.name);
    expect(at(container, 'env', 0, 'valueFrom', 'secretKeyRef', 'name')).toBe(credentials.metadata.name);
    expect(at(container, 'args')).toEqual(['--port=8080', '--mode=prod']);
    expect(at(deployment, 'spec', 'replicas')).toBe(3);
    expect(deployment.metadata.annotations).toEqual({ 'disruption.driftwatch.dev/budget': 'web' });
    expect(deployment.metadata.labels).toEqual({ env: 'prod', team: 'payments' });
    expect(at(deployment, 'spec', 'selector', 'matchLabels')).toEqual({ app: 'web', env: 'prod' });
    expect(at(settings, 'data')).toEqual({ GREETING: 'hello', LOG_LEVEL: 'warn' });
  });

  test('the chart: values files in order, --set over both, crds/ included, enabled subchart only, hooks marked', () => {
    // helm template prints namespaces only where a template writes one; the audit defaults the rest to the release's.
    expect(ids(renderedChart)).toEqual([
      'ConfigMap /shop-cache',
      'ConfigMap storefront/shop-settings',
      'CustomResourceDefinition /gadgets.charts.driftwatch.dev',
      'Deployment /shop-web',
      'Gadget /shop-gadget',
      'Job /shop-migrate',
    ]);
    const settings = find(renderedChart, 'ConfigMap', /^shop-settings$/);
    expect(at(settings, 'data')).toEqual({
      greeting: 'from-set',
      color: 'blue',
      tier: 'prod',
      kubeVersion: liveKubeVersion,
    });
    expect(at(find(renderedChart, 'Deployment', /^shop-web$/), 'spec', 'replicas')).toBe(2);
    expect(isHook(find(renderedChart, 'Job', /^shop-migrate$/))).toBe(true);
  });

  test("Helm's default kube version is not the test world's, so the kube-version tests below can tell them apart", () => {
    expect(liveKubeVersion).toMatch(/^v1\.\d+\.\d+/);
    const defaulted = objectsIn(
      dwrender(['helm', 'template', RELEASE, join(source, 'chart'), '--namespace', CHART_NS]),
    );
    const kubeVersion = at(find(defaulted, 'ConfigMap', /^shop-settings$/), 'data', 'kubeVersion');
    expect(kubeVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(kubeVersion).not.toBe(liveKubeVersion);
  });
});

describe('freshly applied from the render', () => {
  test('the Kustomize overlay audits with zero drift, every rendered object compared, the scan complete', () => {
    const { status, report, stderr } = auditOverlay();
    expect(report.drift, stderr).toEqual([]);
    expect(status).toBe(0);
    expect(report.source.renderer).toBe('kustomize');
    expect(report.source.tool?.name).toBe('dwrender');
    expect(report.source.tool?.versions['kustomize']).toBe('v5.8.2');
    expect(report.source.failedFiles).toEqual([]);
    expect(report.summary.declared).toBe(renderedOverlay.length);
    expect(report.summary.compared).toBe(renderedOverlay.length);
    expect(report.scan.complete).toBe(true);
    expect(report.scan.unverified).toEqual([]);
  });

  test('without --include-secrets the generated Secret is the one object not compared, and the scan says so', () => {
    const { status, report } = audit('overlay', 'overlay');
    expect(report.drift).toEqual([]);
    const secrets = renderedOverlay.filter((object) => object.kind === 'Secret');
    expect(secrets).toHaveLength(1);
    expect(report.summary.declared).toBe(renderedOverlay.length);
    expect(report.summary.compared).toBe(renderedOverlay.length - secrets.length);
    expect(report.scan.unverified.map((ref) => `${ref.kind} ${ref.namespace ?? ''}/${ref.name}`)).toEqual(
      secrets.map(idOf),
    );
    expect(report.scan.complete).toBe(false);
    expect(status).toBe(3);
  });

  test('the Helm chart audits with zero drift: chart and release named, CRD and custom resource compared, hooks not declared', () => {
    const { status, report, stderr } = auditChart();
    expect(report.drift, stderr).toEqual([]);
    expect(status).toBe(0);
    expect(report.source.renderer).toBe('helm');
    expect(report.source.chart).toEqual({ name: 'storefront', version: '1.4.2' });
    expect(report.source.release).toEqual({ name: RELEASE, namespace: CHART_NS });
    expect(report.source.tool?.versions['helm']).toBe('v4.3.2');
    expect(report.summary.declared).toBe(CHART_OBJECTS.length);
    expect(report.summary.compared).toBe(CHART_OBJECTS.length);
    expect(report.scan.complete).toBe(true);
    const listed = report.scan.lists.filter((list) => list.status === 'listed').map((list) => list.kind);
    expect(listed).toContain('Gadget');
    expect(listed).toContain('CustomResourceDefinition');
    expect(listed).toContain('Job'); // read (the cluster checks list Jobs): the hook Job, never applied, would show as missing if declared
    expect(report.source.warnings.map((warning) => warning.message).join('\n')).toMatch(
      /1 Helm hook object\(s\) left out/,
    );
  });

  test("in cluster mode Helm renders with the live cluster's kube version, so a template that prints it has no drift", () => {
    const { status, report } = auditChart();
    expect(status).toBe(0);
    expect(report.drift.filter((entry) => entry.name === 'shop-settings')).toEqual([]);
    // The same audit told to use another kube version sees exactly the printed version differ.
    const forced = auditChart(['--kube-version', 'v1.31.0']);
    expect(forced.status).toBe(1);
    expect(forced.report.drift.map(described)).toEqual([
      {
        object: 'modified ConfigMap storefront/shop-settings',
        changes: [
          { path: '/data/kubeVersion', declared: 'v1.31.0', live: liveKubeVersion, manager: 'argocd-controller' },
        ],
      },
    ]);
  });
});

describe('drifted with kubectl, repaired with the remediation command', () => {
  test('overlay: `kubectl set image` is the one change, attributed; its remediation restores Git and the next audit is clean', async () => {
    await kube.kubectl([
      'set',
      'image',
      'deployment/prod-web',
      'web=registry.example.com/shop/web:2.4.2-hotfix',
      '-n',
      OVERLAY_NS,
    ]);
    const { status, report } = auditOverlay();
    expect(status).toBe(1);
    const entry = onlyEntry(report);
    expect(described(entry)).toEqual({
      object: 'modified Deployment shop/prod-web',
      changes: [
        {
          path: '/spec/template/spec/containers/name=web/image',
          declared: 'registry.example.com/shop/web:2.4.1',
          live: 'registry.example.com/shop/web:2.4.2-hotfix',
          manager: 'kubectl-set',
        },
      ],
    });
    const command = entry.remediation?.command ?? '';
    expect(command.startsWith('driftwatch render --source')).toBe(true);
    expect(command).toContain('--path overlay');
    expect(command).toContain('--object Deployment/shop/prod-web');

    const repaired = runRemediation(command);
    expect(repaired.stderr).not.toContain(SECRET_LITERAL);
    expect(repaired.status, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(/deployment\.apps\/prod-web serverside-applied/);
    const image = await kube.kubectl([
      'get',
      'deployment/prod-web',
      '-n',
      OVERLAY_NS,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image.stdout).toBe('registry.example.com/shop/web:2.4.1');
    const after = auditOverlay();
    expect(after.report.drift).toEqual([]);
    expect(after.status).toBe(0);
  });

  test('chart: `kubectl set env` is the one change, attributed; its remediation re-renders with the same Helm flags and the next audit is clean', async () => {
    await syncChart();
    await kube.kubectl(['set', 'env', 'deployment/shop-web', 'GREETING=from-kubectl', '-n', CHART_NS]);
    const { status, report } = auditChart();
    expect(status).toBe(1);
    const entry = onlyEntry(report);
    expect(described(entry)).toEqual({
      object: 'modified Deployment storefront/shop-web',
      changes: [
        {
          path: '/spec/template/spec/containers/name=web/env/name=GREETING/value',
          declared: 'from-set',
          live: 'from-kubectl',
          manager: 'kubectl-set',
        },
      ],
    });
    const command = entry.remediation?.command ?? '';
    expect(command.startsWith('driftwatch render --source')).toBe(true);
    expect(command).toContain('--object Deployment/storefront/shop-web');
    expect(command).toContain('--helm-values values-prod.yaml');
    expect(command).toContain('--helm-set greeting=from-set');

    const repaired = runRemediation(command);
    expect(repaired.status, repaired.stderr).toBe(0);
    const greeting = await kube.kubectl([
      'get',
      'deployment/shop-web',
      '-n',
      CHART_NS,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].env[0].value}',
    ]);
    expect(greeting.stdout).toBe('from-set');
    const after = auditChart();
    expect(after.report.drift).toEqual([]);
    expect(after.status).toBe(0);
  });

  test("chart: the remediation of an object whose template prints the kube version restores the live cluster's version, not Helm's default", async () => {
    await syncChart();
    await kube.kubectl([
      'patch',
      'configmap/shop-settings',
      '-n',
      CHART_NS,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { color: 'red' } }),
    ]);
    const { status, report } = auditChart();
    expect(status).toBe(1);
    const entry = onlyEntry(report);
    expect(described(entry)).toEqual({
      object: 'modified ConfigMap storefront/shop-settings',
      changes: [{ path: '/data/color', declared: 'blue', live: 'red', manager: 'kubectl-patch' }],
    });
    const repaired = runRemediation(entry.remediation?.command ?? '');
    expect(repaired.status, repaired.stderr).toBe(0);
    const after = auditChart();
    expect(after.report.drift.map(described)).toEqual([]);
    expect(after.status).toBe(0);
  });

  test('chart audited with a values file from outside the source: the remediation still finds that file', async () => {
    const overrides = join(workDir, 'local-overrides.yaml');
    writeFileSync(overrides, 'tier: prod\n'); // the same value as values-prod.yaml: the render is unchanged
    const withLocalValues = ['--helm-values', overrides];
    await syncChart();
    expect(auditChart(withLocalValues).report.drift).toEqual([]);
    await kube.kubectl(['scale', 'deployment/shop-web', '--replicas=5', '-n', CHART_NS]);
    const { status, report } = auditChart(withLocalValues);
    expect(status).toBe(1);
    const entry = onlyEntry(report);
    expect(described(entry)).toEqual({
      object: 'modified Deployment storefront/shop-web',
      changes: [{ path: '/spec/replicas', declared: 2, live: 5, manager: 'kubectl' }],
    });
    const repaired = runRemediation(entry.remediation?.command ?? '');
    expect(repaired.status, repaired.stderr).toBe(0);
    const after = auditChart(withLocalValues);
    expect(after.report.drift).toEqual([]);
    expect(after.status).toBe(0);
  });
});

describe('driftwatch render contract on the same inputs', () => {
  function render(args: readonly string[]): ReturnType<typeof runCli> {
    return runCli(['render', '--source', source, ...args]);
  }

  function listItems(stdout: string): KubeObject[] {
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trim().split('\n')).toHaveLength(1); // exactly one JSON document
    const parsed = JSON.parse(stdout) as { apiVersion: unknown; kind: unknown; items: unknown };
    expect(Object.keys(parsed)).toEqual(['apiVersion', 'kind', 'items']);
    expect(parsed.apiVersion).toBe('v1');
    expect(parsed.kind).toBe('List');
    if (!Array.isArray(parsed.items)) throw new Error('items is not a list');
    const items: unknown[] = parsed.items;
    const objects = items.filter(isKubeObject);
    expect(objects).toHaveLength(items.length);
    return objects;
  }

  test('overlay --format json: one v1 List of the rendered objects, the Secret as hmac-sha256 digests and its literal nowhere', () => {
    const { status, stdout, stderr } = render(['--path', 'overlay', '--format', 'json']);
    expect(status, stderr).toBe(0);
    const items = listItems(stdout);
    const found = ids(items);
    expect(found).toHaveLength(OVERLAY_OBJECTS.length);
    for (const [index, id] of found.entries()) expect(id).toMatch(OVERLAY_OBJECTS[index] ?? /^$/);
    expect(found).toEqual(ids(renderedOverlay));
    const secret = find(items, 'Secret', /^prod-web-credentials-/);
    const data = at(secret, 'data');
    expect(Object.keys(data ?? {})).toEqual(['password']);
    expect(at(data, 'password')).toMatch(/^hmac-sha256:[0-9a-f]{12,64}$/);
    for (const text of [stdout, stderr]) {
      expect(text).not.toContain(SECRET_LITERAL);
      expect(text).not.toContain(Buffer.from(SECRET_LITERAL).toString('base64'));
    }
    // Everything but the Secret is the object kustomize printed.
    expect(items.filter((item) => item.kind !== 'Secret')).toEqual(
      renderedOverlay.filter((object) => object.kind !== 'Secret'),
    );
  });

  test('overlay --format yaml: the same objects as multi-document YAML', () => {
    const json = render(['--path', 'overlay', '--format', 'json']);
    const yaml = render(['--path', 'overlay', '--format', 'yaml']);
    expect(yaml.status, yaml.stderr).toBe(0);
    expect(yaml.stdout.startsWith('---\n')).toBe(true);
    expect(yaml.stdout).not.toContain(SECRET_LITERAL);
    // Digests are keyed per process (never comparable across runs): the same objects, digest for digest in form.
    const undigested = (objects: readonly KubeObject[]): string =>
      JSON.stringify(objects).replace(/hmac-sha256:[0-9a-f]{12,64}/g, 'hmac-sha256:<digest>');
    const fromYaml = objectsIn(yaml.stdout);
    expect(at(find(fromYaml, 'Secret', /^prod-web-credentials-/), 'data', 'password')).toMatch(
      /^hmac-sha256:[0-9a-f]{12,64}$/,
    );
    expect(undigested(fromYaml)).toBe(undigested(listItems(json.stdout)));
  });

  test('chart --format json: the declared objects (namespaces defaulted to the release namespace, hooks left out)', () => {
    const { status, stdout, stderr } = render(['--path', 'chart', ...HELM_FLAGS, '--format', 'json']);
    expect(status, stderr).toBe(0);
    const items = listItems(stdout);
    expect(ids(items)).toEqual(CHART_OBJECTS);
    expect(at(find(items, 'ConfigMap', /^shop-settings$/), 'data', 'greeting')).toBe('from-set');
    const yaml = render(['--path', 'chart', ...HELM_FLAGS, '--format', 'yaml']);
    expect(yaml.status, yaml.stderr).toBe(0);
    expect(objectsIn(yaml.stdout)).toEqual(items);
  });

  /** stderr without the progress line that says which source is read (the contract below is about that line too). */
  const errorLines = (stderr: string): string[] =>
    stderr
      .trimEnd()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('driftwatch: reading source'));

  test('a remote base: exit 2, an error line naming the kustomization file and saying it is remote, nothing on stdout', () => {
    const { status, stdout, stderr } = runCli(['render', '--source', refused, '--path', 'remote', '--format', 'json']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    const lines = errorLines(stderr);
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toContain('remote/kustomization.yaml');
    expect(lines[0]).toMatch(/is remote/);
    expect(lines[0]).toContain('https://github.com/kubernetes-sigs/kustomize');
  });

  test("a chart whose dependency is missing from charts/: exit 2 with helm's own message, nothing on stdout", () => {
    const { status, stdout, stderr } = runCli([
      'render',
      '--source',
      refused,
      '--path',
      'undeclared-dependency',
      '--format',
      'json',
    ]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    const lines = errorLines(stderr);
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toContain('undeclared-dependency');
    expect(lines[0]).toContain('found in Chart.yaml, but missing in charts/ directory: redis');
  });

  test.each(['remote', 'undeclared-dependency'])(
    '%s: stderr is exactly one line, as the render contract says (2 on error with one line on stderr)',
    (path) => {
      const { status, stderr } = runCli(['render', '--source', refused, '--path', path, '--format', 'json']);
      expect(status).toBe(2);
      expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
    },
  );
});
