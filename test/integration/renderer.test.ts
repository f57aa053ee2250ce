/**
 * dwrender (renderer/), driftwatch's renderer, run for real: the host binary that renderer/build.sh builds from the
 * Helm v4 and kustomize v5 Go modules. Every input is written by the test into a temp folder, and every expected
 * object (kind, namespace, name and content) is written here too, from the documented behaviour of the tools:
 * kustomize (namespace, namePrefix, images, labels, configMapGenerator with its hashed name, JSON6902 and
 * strategic-merge patches, a component, helmCharts) and helm template (values files in order, --set precedence,
 * crds/, test hooks, a local subchart with a condition, a missing dependency).
 *
 * Issue 9: the multi-call rules of renderer/main.go are a contract with the TypeScript side; they are tested first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureRenderer } from '../support/renderer.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: Json | undefined;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let dwrender: string;
let work: string;

beforeAll(async () => {
  dwrender = (await ensureRenderer()).binary;
  work = mkdtempSync(join(tmpdir(), 'driftwatch-renderer-'));
}, 1_800_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a program with a clean environment: Helm's homes inside the test folder, so no user config leaks in. */
function run(command: string, args: readonly string[], cwd: string = work): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: join(work, 'home'),
        HELM_CACHE_HOME: join(work, 'home/helm-cache'),
        HELM_CONFIG_HOME: join(work, 'home/helm-config'),
        HELM_DATA_HOME: join(work, 'home/helm-data'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

async function render(args: readonly string[]): Promise<K8sObject[]> {
  const result = await run(dwrender, args);
  if (result.code !== 0)
    throw new Error(`dwrender ${args.join(' ')} failed (${String(result.code)}):\n${result.stderr}`);
  return parseObjects(result.stdout);
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { kind, metadata } = value as { kind?: unknown; metadata?: unknown };
  return (
    typeof kind === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as { name?: unknown }).name === 'string'
  );
}

function parseObjects(yaml: string): K8sObject[] {
  return loadAll(yaml)
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc) => {
      if (!isK8sObject(doc)) throw new Error(`not a Kubernetes object: ${JSON.stringify(doc)}`);
      return doc;
    });
}

function idOf(object: K8sObject): string {
  return `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function ids(objects: readonly K8sObject[]): string[] {
  return objects.map(idOf).sort();
}

function find(objects: readonly K8sObject[], id: string): K8sObject {
  const found = objects.find((object) => idOf(object) === id);
  if (!found) throw new Error(`no ${id} among: ${ids(objects).join(', ')}`);
  return found;
}

/** Writes files (path relative to root → content), making folders as needed. */
function writeTree(root: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/**
 * The name suffix kustomize's configMapGenerator appends, recomputed here from its definition
 * (sigs.k8s.io/kustomize/api v0.21.2 hasher/hasher.go): sha256 of the JSON {data, kind, name} (keys sorted, as Go's
 * json.Marshal writes a map), first 10 hex digits with 0,1,3,a,e replaced by g,h,k,m,t. The name is always "":
 * hasher.go looks it up as `yaml.Lookup("metadata/name")`, one field literally called "metadata/name", which no
 * object has. So equal data gives equal suffixes whatever the name or prefix.
 */
function kustomizeConfigMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  const hex = createHash('sha256')
    .update(JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' }))
    .digest('hex');
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

/** A chart with values, a crds/ folder, a test hook and a local subchart behind a condition. */
function writeShopChart(root: string): string {
  return writeTree(root, {
    'Chart.yaml': `apiVersion: v2
name: shop
version: 1.2.3
appVersion: "2.0.0"
dependencies:
  - name: cache
    version: 0.1.0
    condition: cache.enabled
`,
    'values.yaml': `color: red
greeting: hello
replicas: 1
cache:
  enabled: false
`,
    'crds/widgets.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
`,
    'templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
  namespace: {{ .Release.Namespace }}
  labels:
    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
data:
  color: {{ .Values.color | quote }}
  greeting: {{ .Values.greeting | quote }}
  replicas: {{ .Values.replicas | quote }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
  hasWidgetsApi: {{ .Capabilities.APIVersions.Has "example.com/v1" | quote }}
`,
    'templates/tests/test-connection.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  namespace: {{ .Release.Namespace }}
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
    - name: probe
      image: busybox:1.36
      command: ["wget", "{{ .Release.Name }}-settings"]
`,
    'charts/cache/Chart.yaml': `apiVersion: v2
name: cache
version: 0.1.0
`,
    'charts/cache/values.yaml': `size: small
`,
    'charts/cache/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cache
  namespace: {{ .Release.Namespace }}
data:
  size: {{ .Values.size | quote }}
`,
  });
}

describe('multi-call rules (the contract with the TypeScript side)', () => {
  test('`dwrender versions` prints one JSON line with the linked helm, kustomize, kustomize API and Go versions', async () => {
    const result = await run(dwrender, ['versions']);
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
    const versions = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(versions)).toEqual(['dwrender', 'helm', 'kustomize', 'kustomizeApi', 'go']);
    expect(versions).toEqual({
      dwrender: expect.stringMatching(/^0\.1\.0\+[0-9a-f]{16}$/),
      helm: 'v4.3.2',
      kustomize: 'v5.8.2',
      kustomizeApi: 'v0.21.2',
      go: goVersion,
    });
  });

  test('`dwrender helm version` and `dwrender kustomize version` report the real release versions (ldflags)', async () => {
    const helm = await run(dwrender, ['helm', 'version', '--short']);
    expect(helm.code).toBe(0);
    expect(helm.stdout.trim()).toBe('v4.3.2');
    const helmFull = await run(dwrender, ['helm', 'version']);
    expect(helmFull.stdout).toContain('Version:"v4.3.2"');
    const kustomize = await run(dwrender, ['kustomize', 'version']);
    expect(kustomize.code).toBe(0);
    expect(kustomize.stdout.trim()).toBe('v5.8.2');
  });

  test('under the name `kustomize` it is kustomize; under any other name, unknown first words go to helm', async () => {
    const links = join(work, 'links');
    mkdirSync(links, { recursive: true });
    symlinkSync(dwrender, join(links, 'kustomize'));
    symlinkSync(dwrender, join(links, 'helm'));
    expect((await run(join(links, 'kustomize'), ['version'])).stdout.trim()).toBe('v5.8.2');
    expect((await run(join(links, 'helm'), ['version', '--short'])).stdout.trim()).toBe('v4.3.2');
    // What kustomize's helmCharts generator runs when --helm-command is dwrender itself (checkHelmVersion).
    expect((await run(dwrender, ['version', '--short'])).stdout.trim()).toBe('v4.3.2');
    const chart = writeShopChart(join(work, 'multi-call-chart'));
    const objects = await render(['template', 'r1', chart, '--namespace', 'ns1']);
    expect(find(objects, 'ConfigMap ns1/r1-settings')['data']).toMatchObject({ color: 'red' });
  });

  test('errors: helm and kustomize print "Error: …" on stderr, nothing on stdout, and exit 1', async () => {
    const helm = await run(dwrender, ['helm', 'template', 'x', join(work, 'no-such-chart')]);
    expect(helm.code).toBe(1);
    expect(helm.stdout).toBe('');
    expect(helm.stderr).toMatch(/^Error: /m);
    expect(helm.stderr).toContain('no-such-chart');
    const kustomize = await run(dwrender, ['kustomize', 'build', join(work, 'no-such-overlay')]);
    expect(kustomize.code).toBe(1);
    expect(kustomize.stdout).toBe('');
    expect(kustomize.stderr).toMatch(/^Error: /m);
    expect(kustomize.stderr).toContain('no-such-overlay');
  });
});

describe('kustomize build', () => {
  test('an overlay: namespace, namePrefix, images, labels, hashed configMapGenerator name, JSON6902 + strategic-merge patches, a component', async () => {
    const root = writeTree(join(work, 'kustomize'), {
      'base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
`,
      'base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          envFrom:
            - configMapRef:
                name: web-config
        - name: sidecar
          image: busybox:1.36
`,
      'base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
`,
      'components/monitoring/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - scrape.yaml
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        annotations:
          prometheus.io/scrape: "true"
`,
      'components/monitoring/scrape.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: scrape
data:
  interval: 30s
`,
      'overlays/prod/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
namePrefix: prod-
labels:
  - pairs:
      env: prod
    includeSelectors: false
    includeTemplates: true
resources:
  - ../../base
components:
  - ../../components/monitoring
images:
  - name: nginx
    newName: registry.example.com/mirror/nginx
    newTag: "1.27.1"
configMapGenerator:
  - name: web-config
    literals:
      - LOG_LEVEL=warn
      - FEATURE_X=on
patches:
  - path: replicas.yaml
  - target:
      kind: Service
      name: web
    patch: |-
      - op: replace
        path: /spec/type
        value: NodePort
      - op: add
        path: /spec/ports/0/nodePort
        value: 30080
`,
      'overlays/prod/replicas.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          resources:
            limits:
              memory: 256Mi
`,
    });
    const objects = await render(['kustomize', 'build', join(root, 'overlays/prod')]);

    const configData = { LOG_LEVEL: 'warn', FEATURE_X: 'on' };
    const configName = `prod-web-config-${kustomizeConfigMapHash(configData)}`;
    expect(ids(objects)).toEqual(
      [
        `ConfigMap shop/${configName}`,
        'ConfigMap shop/prod-scrape',
        'Deployment shop/prod-web',
        'Service shop/prod-web',
      ].sort(),
    );

    expect(find(objects, `ConfigMap shop/${configName}`)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: configName, namespace: 'shop', labels: { env: 'prod' } },
      data: configData,
    });
    expect(find(objects, 'ConfigMap shop/prod-scrape')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'prod-scrape', namespace: 'shop', labels: { env: 'prod' } },
      data: { interval: '30s' },
    });
    expect(find(objects, 'Deployment shop/prod-web')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      // The component's patch (annotation) and labels without selectors: the selector stays immutable-safe.
      metadata: {
        name: 'prod-web',
        namespace: 'shop',
        labels: { app: 'web', env: 'prod' },
        annotations: { 'prometheus.io/scrape': 'true' },
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web', env: 'prod' } },
          spec: {
            containers: [
              // Strategic merge: the web container gains limits by name, the sidecar is kept (a JSON merge would drop it).
              {
                name: 'web',
                image: 'registry.example.com/mirror/nginx:1.27.1',
                envFrom: [{ configMapRef: { name: configName } }],
                resources: { limits: { memory: '256Mi' } },
              },
              { name: 'sidecar', image: 'busybox:1.36' },
            ],
          },
        },
      },
    });
    expect(find(objects, 'Service shop/prod-web')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'prod-web', namespace: 'shop', labels: { env: 'prod' } },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] },
    });
  });

  test('helmCharts with --enable-helm and --helm-command pointing at dwrender itself renders a local chartHome chart', async () => {
    const root = join(work, 'kustomize-helm');
    writeShopChart(join(root, 'charts/shop'));
    writeTree(root, {
      'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
labels:
  - pairs:
      team: payments
helmGlobals:
  chartHome: charts
helmCharts:
  - name: shop
    releaseName: demo
    namespace: shop
    includeCRDs: true
    skipTests: true
    kubeVersion: "1.34.0"
    apiVersions:
      - example.com/v1
    valuesInline:
      color: yellow
      cache:
        enabled: true
`,
    });
    // The command line the TypeScript side runs.
    const objects = await render([
      'kustomize',
      'build',
      root,
      '--load-restrictor',
      'LoadRestrictionsNone',
      '--enable-helm',
      '--helm-command',
      dwrender,
    ]);
    expect(ids(objects)).toEqual([
      'ConfigMap shop/demo-cache',
      'ConfigMap shop/demo-settings',
      'CustomResourceDefinition /widgets.example.com',
    ]);
    expect(find(objects, 'ConfigMap shop/demo-settings')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'demo-settings',
        namespace: 'shop',
        labels: { 'helm.sh/chart': 'shop-1.2.3', team: 'payments' },
      },
      data: { color: 'yellow', greeting: 'hello', replicas: '1', kubeVersion: 'v1.34.0', hasWidgetsApi: 'true' },
    });
    expect(find(objects, 'ConfigMap shop/demo-cache')['data']).toEqual({ size: 'small' });
    expect(find(objects, 'CustomResourceDefinition /widgets.example.com').metadata.labels).toEqual({
      team: 'payments',
    });

    // Without --enable-helm kustomize refuses the generator rather than skipping it.
    const refused = await run(dwrender, ['kustomize', 'build', root]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('must specify --enable-helm');
  });
});

describe('helm template', () => {
  test('value files in order, --set over files, crds/ with --include-crds, test hook dropped by --skip-tests, subchart by condition', async () => {
    const chart = writeShopChart(join(work, 'helm/shop'));
    writeTree(join(work, 'helm'), {
      'a.yaml': `color: blue
greeting: hi
replicas: 2
`,
      'b.yaml': `color: green
cache:
  enabled: true
  size: large
`,
    });
    const objects = await render([
      'helm',
      'template',
      'demo',
      chart,
      '--namespace',
      'shop',
      '-f',
      join(work, 'helm/a.yaml'),
      '-f',
      join(work, 'helm/b.yaml'),
      '--set',
      'replicas=5',
      '--include-crds',
      '--skip-tests',
      '--kube-version',
      '1.34.0',
      '--api-versions',
      'example.com/v1',
    ]);
    expect(ids(objects)).toEqual([
      'ConfigMap shop/demo-cache',
      'ConfigMap shop/demo-settings',
      'CustomResourceDefinition /widgets.example.com',
    ]);
    // b.yaml (later) beats a.yaml on color, a.yaml beats values.yaml on greeting, --set beats both on replicas.
    expect(find(objects, 'ConfigMap shop/demo-settings')['data']).toEqual({
      color: 'green',
      greeting: 'hi',
      replicas: '5',
      kubeVersion: 'v1.34.0',
      hasWidgetsApi: 'true',
    });
    // The parent's values reach the subchart under its name.
    expect(find(objects, 'ConfigMap shop/demo-cache')['data']).toEqual({ size: 'large' });
    expect(find(objects, 'CustomResourceDefinition /widgets.example.com')).toMatchObject({
      spec: { group: 'example.com', names: { kind: 'Widget' } },
    });

    // The defaults, for contrast: no CRDs, the test hook rendered, the subchart off, Helm's default capabilities.
    const plain = await render(['helm', 'template', 'demo', chart, '--namespace', 'shop']);
    expect(ids(plain)).toEqual(['ConfigMap shop/demo-settings', 'Pod shop/demo-test']);
    expect(find(plain, 'ConfigMap shop/demo-settings')['data']).toMatchObject({
      color: 'red',
      greeting: 'hello',
      replicas: '1',
      hasWidgetsApi: 'false',
    });
    expect(find(plain, 'Pod shop/demo-test').metadata.annotations).toEqual({ 'helm.sh/hook': 'test' });
  });

  test("a dependency declared in Chart.yaml but missing from charts/ fails with helm's own error, exit 1", async () => {
    const chart = writeTree(join(work, 'helm-missing-dep/app'), {
      'Chart.yaml': `apiVersion: v2
name: app
version: 0.1.0
dependencies:
  - name: redis
    version: 19.0.0
    repository: https://charts.example.com/stable
`,
      'templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-app
`,
    });
    const result = await run(dwrender, ['helm', 'template', 'x', chart]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: /m);
    expect(result.stderr).toContain('found in Chart.yaml, but missing in charts/ directory: redis');
  });
});
