/**
 * A large declared folder and its live snapshot, with drift seeded from a fixed seed, for bench/snapshot.ts.
 *
 * For N live objects: N/4 declared (40% Deployments, 40% Services, 20% ConfigMaps, as JSON Lists in files of 100), and
 * live the declared twins (server defaults, allocations, status and the applier's managedFields, as the API server
 * shows them), a ReplicaSet, three Pods and two Events per Deployment, an EndpointSlice per Service and Normal Events, in one
 * `kubectl get -o json` List. The seeded drift is what the report must say, no more and no less.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, unknown>;

/** One drift entry as the bench compares it: status, object and the sorted pointers of its changes. */
export type ExpectedDrift = string;

export interface SnapshotWorld {
  sourceDir: string;
  snapshotFile: string;
  files: string[];
  declared: number;
  live: number;
  expected: ExpectedDrift[];
}

/** mulberry32: a small deterministic PRNG, so that every run seeds the same drift. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPLIED_AT = '2026-11-01T08:00:00Z';
const NAMESPACES = 50;

export function expectedKey(
  status: string,
  kind: string,
  namespace: string,
  name: string,
  paths: readonly string[],
): ExpectedDrift {
  return `${status} ${kind} ${namespace}/${name} ${[...paths].sort().join(' ')}`.trim();
}

interface ReportDrift {
  status: string;
  kind: string;
  namespace?: string;
  name: string;
  changes?: Array<{ path: string }>;
}

/** The report's drift in the seeded drift's terms: one line per entry, every changed pointer named. */
export function driftOf(stdout: string): string[] {
  const report = JSON.parse(stdout) as { drift: ReportDrift[] };
  return report.drift
    .map((entry) =>
      expectedKey(
        entry.status,
        entry.kind,
        entry.namespace ?? '',
        entry.name,
        (entry.changes ?? []).map((change) => change.path),
      ),
    )
    .sort();
}

/** FieldsV1 of a declared value, as a server-side applier owns it: lists of named items by key, other lists whole. */
function fieldsOf(value: unknown): Json {
  if (Array.isArray(value)) {
    const keyed: Json = {};
    for (const item of value) {
      if (typeof item !== 'object' || item === null) return {};
      const record = item as Json;
      const key =
        typeof record['name'] === 'string'
          ? { name: record['name'] }
          : typeof record['containerPort'] === 'number'
            ? { containerPort: record['containerPort'], protocol: 'TCP' }
            : typeof record['port'] === 'number'
              ? { port: record['port'], protocol: 'TCP' }
              : undefined;
      if (!key) return {};
      keyed[`k:${JSON.stringify(key)}`] = { '.': {}, ...fieldsOf(record) };
    }
    return keyed;
  }
  if (typeof value !== 'object' || value === null) return {};
  const fields: Json = {};
  for (const [name, child] of Object.entries(value)) {
    if (name === 'apiVersion' || name === 'kind' || name === 'name' || name === 'namespace') continue;
    fields[`f:${name}`] = fieldsOf(child);
  }
  return fields;
}

function managed(
  manager: string,
  operation: string,
  apiVersion: string,
  fieldsV1: Json,
  time: string,
  subresource?: string,
): Json {
  return {
    apiVersion,
    fieldsType: 'FieldsV1',
    fieldsV1,
    manager,
    operation,
    ...(subresource ? { subresource } : {}),
    time,
  };
}

function declaredDeployment(index: number): Json {
  const name = `app-${index}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: `team-${index % NAMESPACES}`, labels: { app: name, tier: 'backend' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: 'backend' } },
        spec: {
          containers: [
            {
              name: 'main',
              image: `registry.example.com/${name}:1.0.${index}`,
              ports: [{ containerPort: 8080, name: 'http' }],
              env: Array.from({ length: 8 }, (_, envIndex) => ({
                name: `VAR_${envIndex}`,
                value: `value-${index}-${envIndex}`,
              })),
              resources: { requests: { cpu: '0.25', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
            },
          ],
        },
      },
    },
  };
}

function declaredService(index: number): Json {
  const name = `svc-${index}`;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: `team-${index % NAMESPACES}`, labels: { app: `app-${index}` } },
    spec: { selector: { app: `app-${index}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

function declaredConfigMap(index: number): Json {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `config-${index}`, namespace: `team-${index % NAMESPACES}` },
    data: Object.fromEntries(
      Array.from({ length: 6 }, (_, key) => [
        `key-${key}.properties`,
        `setting.${key}=value-${index}-${key}\n`.repeat(4),
      ]),
    ),
  };
}

function serverMetadata(object: Json, index: number, managedFields: Json[]): Json {
  const metadata = object['metadata'] as Json;
  return {
    ...metadata,
    uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    resourceVersion: String(1000 + index),
    creationTimestamp: APPLIED_AT,
    managedFields,
  };
}

function liveDeployment(declared: Json, index: number): Json {
  const live = structuredClone(declared);
  const spec = live['spec'] as Json;
  const podSpec = (spec['template'] as Json)['spec'] as Json;
  const container = (podSpec['containers'] as Json[])[0] as Json;
  Object.assign(container, {
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  });
  container['ports'] = [{ containerPort: 8080, name: 'http', protocol: 'TCP' }];
  container['resources'] = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };
  container['readinessProbe'] = {
    httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  };
  Object.assign(podSpec, {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
  });
  Object.assign(spec, {
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 10,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  });
  const managedFields = [
    managed(
      'argocd-controller',
      'Apply',
      'apps/v1',
      fieldsOf({ metadata: { labels: (declared['metadata'] as Json)['labels'] }, spec: declared['spec'] }),
      APPLIED_AT,
    ),
    managed(
      'kube-controller-manager',
      'Update',
      'apps/v1',
      {
        'f:metadata': { 'f:annotations': { '.': {}, 'f:deployment.kubernetes.io/revision': {} } },
        'f:status': {
          'f:availableReplicas': {},
          'f:conditions': {},
          'f:observedGeneration': {},
          'f:readyReplicas': {},
          'f:replicas': {},
          'f:updatedReplicas': {},
        },
      },
      APPLIED_AT,
      'status',
    ),
  ];
  live['metadata'] = {
    ...serverMetadata(live, index, managedFields),
    generation: 1,
    annotations: { 'deployment.kubernetes.io/revision': '1' },
  };
  live['status'] = {
    availableReplicas: 3,
    readyReplicas: 3,
    replicas: 3,
    updatedReplicas: 3,
    observedGeneration: 1,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastTransitionTime: APPLIED_AT,
        lastUpdateTime: APPLIED_AT,
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "app-${index}-5d9c8b7f6" has successfully progressed.`,
        lastTransitionTime: APPLIED_AT,
        lastUpdateTime: APPLIED_AT,
      },
    ],
  };
  return live;
}

function liveService(declared: Json, index: number): Json {
  const live = structuredClone(declared);
  const spec = live['spec'] as Json;
  const clusterIP = `10.96.${Math.floor(index / 250) % 256}.${(index % 250) + 2}`;
  spec['ports'] = [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }];
  Object.assign(spec, {
    clusterIP,
    clusterIPs: [clusterIP],
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'None',
    type: 'ClusterIP',
  });
  const managedFields = [
    managed(
      'argocd-controller',
      'Apply',
      'v1',
      fieldsOf({ metadata: { labels: (declared['metadata'] as Json)['labels'] }, spec: declared['spec'] }),
      APPLIED_AT,
    ),
  ];
  live['metadata'] = serverMetadata(live, 100_000 + index, managedFields);
  live['status'] = { loadBalancer: {} };
  return live;
}

function liveConfigMap(declared: Json, index: number): Json {
  const live = structuredClone(declared);
  const managedFields = [managed('argocd-controller', 'Apply', 'v1', fieldsOf({ data: declared['data'] }), APPLIED_AT)];
  live['metadata'] = serverMetadata(live, 200_000 + index, managedFields);
  return live;
}

function ownerRef(kind: string, name: string, index: number): Json {
  return {
    apiVersion: 'apps/v1',
    kind,
    name,
    uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function replicaSet(deployment: Json, index: number): Json {
  const name = `app-${index}-5d9c8b7f6`;
  const spec = structuredClone(deployment['spec']) as Json;
  const metadata = deployment['metadata'] as Json;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: metadata['namespace'],
      labels: { app: `app-${index}`, 'pod-template-hash': '5d9c8b7f6' },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': '3',
        'deployment.kubernetes.io/max-replicas': '4',
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [ownerRef('Deployment', `app-${index}`, index)],
      uid: `00000000-0000-4000-9000-${String(index).padStart(12, '0')}`,
      resourceVersion: String(5000 + index),
      creationTimestamp: APPLIED_AT,
      generation: 1,
      managedFields: [
        managed(
          'kube-controller-manager',
          'Update',
          'apps/v1',
          {
            'f:metadata': { 'f:labels': {}, 'f:ownerReferences': {} },
            'f:spec': { 'f:replicas': {}, 'f:selector': {}, 'f:template': {} },
          },
          APPLIED_AT,
        ),
      ],
    },
    spec: { replicas: 3, selector: spec['selector'], template: spec['template'] },
    status: { availableReplicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1, readyReplicas: 3, replicas: 3 },
  };
}

function pod(deployment: Json, index: number, replica: number): Json {
  const metadata = deployment['metadata'] as Json;
  const template = (deployment['spec'] as Json)['template'] as Json;
  const podSpec = structuredClone(template['spec']) as Json;
  Object.assign(podSpec, {
    nodeName: `node-${(index + replica) % 40}`,
    serviceAccountName: 'default',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
  });
  const name = `app-${index}-5d9c8b7f6-${replica}x${(index * 7919) % 100000}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: metadata['namespace'],
      labels: { app: `app-${index}`, 'pod-template-hash': '5d9c8b7f6' },
      generateName: `app-${index}-5d9c8b7f6-`,
      ownerReferences: [
        {
          ...ownerRef('ReplicaSet', `app-${index}-5d9c8b7f6`, index),
          uid: `00000000-0000-4000-9000-${String(index).padStart(12, '0')}`,
        },
      ],
      uid: `00000000-0000-4000-a${replica}00-${String(index).padStart(12, '0')}`,
      resourceVersion: String(9000 + index),
      creationTimestamp: APPLIED_AT,
      managedFields: [
        managed(
          'kube-controller-manager',
          'Update',
          'v1',
          {
            'f:metadata': { 'f:generateName': {}, 'f:labels': {}, 'f:ownerReferences': {} },
            'f:spec': { 'f:containers': {} },
          },
          APPLIED_AT,
        ),
        managed(
          'kubelet',
          'Update',
          'v1',
          {
            'f:status': {
              'f:conditions': {},
              'f:containerStatuses': {},
              'f:hostIP': {},
              'f:phase': {},
              'f:podIP': {},
              'f:startTime': {},
            },
          },
          APPLIED_AT,
          'status',
        ),
      ],
    },
    spec: podSpec,
    status: {
      phase: 'Running',
      hostIP: `192.168.0.${(index + replica) % 40}`,
      podIP: `10.244.${index % 250}.${replica + 2}`,
      startTime: APPLIED_AT,
      qosClass: 'Burstable',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: APPLIED_AT,
      })),
      containerStatuses: [
        {
          name: 'main',
          ready: true,
          started: true,
          restartCount: 0,
          image: `registry.example.com/app-${index}:1.0.${index}`,
          imageID: `registry.example.com/app-${index}@sha256:${String(index).padStart(64, '0')}`,
          containerID: `containerd://${String(index * 10 + replica).padStart(64, 'f')}`,
          state: { running: { startedAt: APPLIED_AT } },
          lastState: {},
        },
      ],
    },
  };
}

function endpointSlice(service: Json, index: number): Json {
  const metadata = service['metadata'] as Json;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `svc-${index}-abcde`,
      namespace: metadata['namespace'],
      labels: {
        'kubernetes.io/service-name': `svc-${index}`,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      uid: `00000000-0000-4000-b000-${String(index).padStart(12, '0')}`,
      resourceVersion: String(20000 + index),
      creationTimestamp: APPLIED_AT,
      managedFields: [
        managed(
          'kube-controller-manager',
          'Update',
          'discovery.k8s.io/v1',
          { 'f:addressType': {}, 'f:endpoints': {}, 'f:ports': {} },
          APPLIED_AT,
        ),
      ],
    },
    addressType: 'IPv4',
    endpoints: [0, 1, 2].map((replica) => ({
      addresses: [`10.244.${index % 250}.${replica + 2}`],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: `node-${(index + replica) % 40}`,
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

function event(index: number, namespace: string, podName: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${podName}.${(index * 104729).toString(16)}`,
      namespace,
      uid: `00000000-0000-4000-c000-${String(index).padStart(12, '0')}`,
      resourceVersion: String(30000 + index),
      creationTimestamp: APPLIED_AT,
    },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: podName, namespace },
    reason: 'Pulled',
    message: `Container image "registry.example.com/${podName}" already present on machine`,
    type: 'Normal',
    count: 1,
    firstTimestamp: APPLIED_AT,
    lastTimestamp: APPLIED_AT,
    source: { component: 'kubelet', host: `node-${index % 40}` },
    reportingComponent: 'kubelet',
    reportingInstance: `node-${index % 40}`,
  };
}

/** Writes the declared folder and the snapshot for `liveCount` live objects under `dir` and says what drifted. */
export function writeSnapshotWorld(dir: string, liveCount: number, seed = 12): SnapshotWorld {
  rmSync(dir, { recursive: true, force: true });
  const sourceDir = join(dir, 'gitops');
  mkdirSync(sourceDir, { recursive: true });
  const random = prng(seed);
  const declaredCount = Math.floor(liveCount / 4);
  const deployments = Math.floor(declaredCount * 0.4);
  const services = Math.floor(declaredCount * 0.4);
  const configMaps = declaredCount - deployments - services;
  // About 1.6% of the declared objects drift, each in one way a person would drift it.
  const pick = (count: number, share: number): Set<number> => {
    const chosen = new Set<number>();
    const wanted = Math.max(1, Math.round(count * share));
    while (chosen.size < wanted) chosen.add(Math.floor(random() * count));
    return chosen;
  };
  const imageSet = pick(deployments, 0.01);
  const scaled = new Set([...pick(deployments, 0.01)].filter((index) => !imageSet.has(index)));
  const edited = new Set([...pick(deployments, 0.004)].filter((index) => !imageSet.has(index) && !scaled.has(index)));
  const labelled = pick(services, 0.005);
  const deleted = pick(configMaps, 0.01);
  const extras = Math.max(1, Math.round(configMaps * 0.01));

  const expected: ExpectedDrift[] = [];
  const declared: Json[] = [];
  const live: Json[] = [];
  let eventIndex = 0;
  for (let index = 0; index < deployments; index++) {
    const object = declaredDeployment(index);
    declared.push(object);
    const twin = liveDeployment(object, index);
    const namespace = `team-${index % NAMESPACES}`;
    const container = (
      (((twin['spec'] as Json)['template'] as Json)['spec'] as Json)['containers'] as Json[]
    )[0] as Json;
    const managedFields = (twin['metadata'] as Json)['managedFields'] as Json[];
    const containerField = (fields: Json): Json => ({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"main"}': fields } } } },
    });
    if (imageSet.has(index)) {
      container['image'] = `registry.example.com/app-${index}:hotfix`;
      managedFields.push(
        managed('kubectl-set', 'Update', 'apps/v1', containerField({ 'f:image': {} }), '2026-11-20T10:02:11Z'),
      );
      expected.push(
        expectedKey('modified', 'Deployment', namespace, `app-${index}`, [
          '/spec/template/spec/containers/name=main/image',
        ]),
      );
    }
    if (scaled.has(index)) {
      (twin['spec'] as Json)['replicas'] = 7;
      managedFields.push(
        managed('kubectl', 'Update', 'apps/v1', { 'f:spec': { 'f:replicas': {} } }, '2026-11-21T09:00:00Z', 'scale'),
      );
      expected.push(expectedKey('modified', 'Deployment', namespace, `app-${index}`, ['/spec/replicas']));
    }
    if (edited.has(index)) {
      (container['env'] as Json[]).push({ name: 'DEBUG', value: 'true' });
      managedFields.push(
        managed(
          'kubectl-edit',
          'Update',
          'apps/v1',
          containerField({ 'f:env': { 'k:{"name":"DEBUG"}': { '.': {}, 'f:name': {}, 'f:value': {} } } }),
          '2026-11-22T14:30:00Z',
        ),
      );
      expected.push(
        expectedKey('modified', 'Deployment', namespace, `app-${index}`, [
          '/spec/template/spec/containers/name=main/env/name=DEBUG',
        ]),
      );
    }
    live.push(twin, replicaSet(object, index));
    for (let replica = 0; replica < 3; replica++) {
      const podObject = pod(object, index, replica);
      live.push(podObject);
      if (replica < 2) live.push(event(eventIndex++, namespace, String((podObject['metadata'] as Json)['name'])));
    }
  }
  for (let index = 0; index < services; index++) {
    const object = declaredService(index);
    declared.push(object);
    const twin = liveService(object, index);
    if (labelled.has(index)) {
      const metadata = twin['metadata'] as Json;
      (metadata['labels'] as Json)['owner'] = 'on-call';
      (metadata['managedFields'] as Json[]).push(
        managed(
          'kubectl-label',
          'Update',
          'v1',
          { 'f:metadata': { 'f:labels': { 'f:owner': {} } } },
          '2026-11-23T08:15:00Z',
        ),
      );
      expected.push(
        expectedKey('modified', 'Service', `team-${index % NAMESPACES}`, `svc-${index}`, ['/metadata/labels/owner']),
      );
    }
    live.push(twin, endpointSlice(object, index));
  }
  for (let index = 0; index < configMaps; index++) {
    const object = declaredConfigMap(index);
    declared.push(object);
    if (deleted.has(index))
      expected.push(expectedKey('missing', 'ConfigMap', `team-${index % NAMESPACES}`, `config-${index}`, []));
    else live.push(liveConfigMap(object, index));
  }
  for (let index = 0; index < extras; index++) {
    const namespace = `team-${(index * 7) % NAMESPACES}`;
    const name = `hand-made-${index}`;
    live.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace,
        uid: `00000000-0000-4000-d000-${String(index).padStart(12, '0')}`,
        resourceVersion: String(40000 + index),
        creationTimestamp: '2026-11-24T12:00:00Z',
        managedFields: [
          managed('kubectl-create', 'Update', 'v1', { 'f:data': { '.': {}, 'f:debug': {} } }, '2026-11-24T12:00:00Z'),
        ],
      },
      data: { debug: 'true' },
    });
    expected.push(expectedKey('extra', 'ConfigMap', namespace, name, []));
  }
  // Normal events fill the snapshot up to the size asked for: read by the checks, never drift.
  while (live.length < liveCount)
    live.push(event(eventIndex, `team-${eventIndex % NAMESPACES}`, `app-${eventIndex++}-standalone`));

  const files: string[] = [];
  for (let start = 0; start < declared.length; start += 100) {
    const file = join(sourceDir, `objects-${String(start / 100).padStart(4, '0')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: declared.slice(start, start + 100) }, null, 2)}\n`,
    );
    files.push(file);
  }
  const snapshotFile = join(dir, 'live.json');
  writeFileSync(
    snapshotFile,
    `${JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: live }, null, 4)}\n`,
  );
  files.push(snapshotFile);
  return { sourceDir, snapshotFile, files, declared: declared.length, live: live.length, expected: expected.sort() };
}
