/**
 * The cluster checks (lib/checks) against a real kube-apiserver: every case is written with kubectl the way the
 * component that owns it would (kubelet for node and pod status, the controllers for workload status, the scheduler
 * and kubelet for Events, `kubectl certificate` for CSR decisions), next to a healthy twin that must stay quiet.
 * The CLI audits it with a config (source folder, checks tuning, exemptions) and the tests assert on its JSON report.
 *
 * No kubelet, scheduler or controller runs here (test/world/NOTES.md): statuses are only what the test writes through
 * the status subresource, and creationTimestamp is always "just now". pod-pending and csr-pending need an age, and
 * the config's smallest threshold is 1 min: they are shown quiet on the real clock through the CLI, and firing
 * through the same pipeline (auditCluster with the CLI's config) evaluated 2 minutes later.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readCluster } from '../../lib/cluster/live.ts';
import type { LiveState } from '../../lib/cluster/types.ts';
import { loadConfig } from '../../lib/config/load.ts';
import { auditCluster } from '../../lib/pipeline/audit-cluster.ts';
import type { Finding, Report } from '../../lib/report/report.ts';
import { openSource } from '../../lib/source/open.ts';
import { runCli } from '../cli/run-cli.ts';
import type { KubeWorld } from '../world/kube.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/** A finding as the JSON report carries it: the report's Finding plus what the checks add. */
interface ReportFinding extends Finding {
  exemption?: { source: string; reason: string; owner?: string; expires?: string };
  evidence?: Record<string, unknown>;
}

type Manifest = Record<string, unknown>;

const NS = {
  pods: 'chk-pods',
  security: 'chk-sec',
  images: 'chk-img',
  workloads: 'chk-work',
  rbac: 'chk-rbac',
  handMade: 'chk-handmade',
  declared: 'chk-declared',
} as const;

/** Pinned image for every object that is not about images. */
const IMAGE = 'registry.example.com/shop/app:1.4.2';
const FUTURE = '2099-12-31';
const MINUTE = 60_000;

let world: World;
let kube: KubeWorld;
let workDir: string;
let sourceDir: string;
let configFile: string;
let acceptedConfigFile: string;
let historyDir: string;

// ---------------------------------------------------------------------------------------------------------------
// kubectl helpers

async function kubectl(args: string[], input?: string): Promise<string> {
  return (await kube.kubectl(args, input === undefined ? {} : { input })).stdout;
}

/** `kubectl create -f -` of a List, as `manager`. */
async function create(items: Manifest[], manager = 'kubectl-create'): Promise<void> {
  await kubectl(
    ['create', `--field-manager=${manager}`, '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
}

/** Writes `status` through the status subresource, as the component that owns it would. */
async function patchStatus(
  resource: string,
  name: string,
  namespace: string | undefined,
  status: Manifest,
  manager: string,
): Promise<void> {
  const where = namespace === undefined ? [] : ['-n', namespace];
  await kubectl([
    'patch',
    resource,
    name,
    ...where,
    '--subresource=status',
    `--field-manager=${manager}`,
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
}

/** RFC 3339 with seconds, as Events carry it, `seconds` from now. */
function stamp(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------------------------
// manifests

function namespace(name: string): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function node(name: string, spec: Manifest = {}): Manifest {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec };
}

/** `KubeletReady`, `KubeletNotReady`, `KubeletHasDiskPressure`, `NodeStatusUnknown` (the node controller's). */
function reasonOf(type: string, status: string, healthy: boolean): string {
  if (status === 'Unknown') return 'NodeStatusUnknown';
  if (type === 'Ready') return healthy ? 'KubeletReady' : 'KubeletNotReady';
  return healthy ? `KubeletNo${type}` : `KubeletHas${type}`;
}

/** Node conditions as the kubelet reports them; `overrides` maps a condition type to its status, `message` explains the bad ones. */
function nodeStatus(overrides: Record<string, string>, message = ''): Manifest {
  const types = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];
  const conditions = types.map((type) => {
    const status = overrides[type] ?? (type === 'Ready' ? 'True' : 'False');
    const healthy = status === (type === 'Ready' ? 'True' : 'False');
    return {
      type,
      status,
      reason: reasonOf(type, status, healthy),
      message: healthy ? '' : message,
      lastHeartbeatTime: stamp(-30),
      lastTransitionTime: stamp(-600),
    };
  });
  return { conditions };
}

interface PodOptions {
  image?: string;
  nodeName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Manifest[];
  /** Fields of the pod spec besides containers. */
  spec?: Manifest;
  /** Fields of the one container `app` besides name and image. */
  container?: Manifest;
}

function pod(ns: string, name: string, options: PodOptions = {}): Manifest {
  const metadata: Manifest = { name, namespace: ns };
  if (options.labels) metadata['labels'] = options.labels;
  if (options.annotations) metadata['annotations'] = options.annotations;
  if (options.ownerReferences) metadata['ownerReferences'] = options.ownerReferences;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      ...(options.nodeName === undefined ? {} : { nodeName: options.nodeName }),
      containers: [{ name: 'app', image: options.image ?? IMAGE, ...options.container }],
      ...options.spec,
    },
  };
}

interface ContainerStatusOptions {
  restarts?: number;
  waiting?: { reason: string; message: string };
  lastTerminated?: { reason: string; exitCode: number };
  image?: string;
}

/** A pod status as the kubelet writes it for the one container `app`. */
function podStatus(phase: string, options: ContainerStatusOptions = {}): Manifest {
  const running = options.waiting === undefined;
  const containerStatus = {
    name: 'app',
    image: options.image ?? IMAGE,
    imageID: running ? `${options.image ?? IMAGE}@sha256:${'a'.repeat(64)}` : '',
    ready: running,
    started: running,
    restartCount: options.restarts ?? 0,
    state: running ? { running: { startedAt: stamp(-300) } } : { waiting: options.waiting },
    lastState:
      options.lastTerminated === undefined
        ? {}
        : { terminated: { ...options.lastTerminated, startedAt: stamp(-400), finishedAt: stamp(-310) } },
  };
  return {
    phase,
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: stamp(-600) },
      { type: 'Ready', status: running ? 'True' : 'False', lastTransitionTime: stamp(-300) },
    ],
    containerStatuses: [containerStatus],
  };
}

function runningStatus(image = IMAGE): Manifest {
  return podStatus('Running', { image });
}

interface EventSpec {
  ns: string;
  /** The involved object: a Pod unless `apiVersion` says otherwise. */
  about: { kind: string; name: string; apiVersion?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  count: number;
  /** The component that reported it: default-scheduler, kubelet, replicaset-controller. */
  by: string;
}

/** A core/v1 Event as its reporter writes it, first seen 15 minutes ago and last seen a few seconds ago. */
function event(name: string, spec: EventSpec): Manifest {
  const { ns, about, by } = spec;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: { apiVersion: about.apiVersion ?? 'v1', kind: about.kind, name: about.name, namespace: ns },
    type: spec.type,
    reason: spec.reason,
    message: spec.message,
    count: spec.count,
    firstTimestamp: stamp(-900),
    lastTimestamp: stamp(-5),
    source: { component: by },
    reportingComponent: by,
  };
}

function deployment(ns: string, name: string, replicas: number, template: Manifest = {}): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: IMAGE }], ...template },
      },
    },
  };
}

function daemonSet(name: string): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { 'k8s-app': name } },
      template: {
        metadata: { labels: { 'k8s-app': name } },
        spec: {
          hostNetwork: true,
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name, image: `registry.example.com/cni/${name}:v1.19.2` }],
        },
      },
    },
  };
}

/** A Deployment status as the controller writes it: `available` of `replicas` pods available. */
function deploymentStatus(replicas: number, available: number): Manifest {
  return {
    observedGeneration: 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: available,
    availableReplicas: available,
    ...(available < replicas && { unavailableReplicas: replicas - available }),
  };
}

/** A DaemonSet status with every scheduled pod available (no workload-unavailable), as the controller writes it. */
function daemonSetStatus(desired: number): Manifest {
  return {
    observedGeneration: 1,
    desiredNumberScheduled: desired,
    currentNumberScheduled: desired,
    updatedNumberScheduled: desired,
    numberReady: desired,
    numberAvailable: desired,
    numberMisscheduled: 0,
  };
}

function csr(name: string, request: string): Manifest {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['digital signature', 'client auth'] },
  };
}

function binding(
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  role: { kind: string; name: string },
  subject: Manifest,
  ns?: string,
): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: ns === undefined ? { name } : { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...role },
    subjects: [subject],
  };
}

function role(name: string, verbs: string[]): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: NS.rbac },
    rules: [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs }],
  };
}

/** A PEM certificate request for user `cn`, made with openssl (base64 for spec.request). */
function certificateRequest(cn: string): string {
  const pem = execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(workDir, `${cn}.key`),
      '-subj',
      `/CN=${cn}/O=dev`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return Buffer.from(pem).toString('base64');
}

// ---------------------------------------------------------------------------------------------------------------
// the world

/** Git: two Deployments whose templates only exist there (the declared-template path), and one applied ConfigMap. */
function writeSource(): void {
  const risky = deployment(NS.declared, 'risky', 2, {
    hostPID: true,
    containers: [
      {
        name: 'agent',
        image: 'registry.example.com/ops/agent:latest',
        securityContext: { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } },
        volumeMounts: [{ name: 'root', mountPath: '/host' }],
      },
    ],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  });
  const safe = deployment(NS.declared, 'safe', 2, {
    securityContext: { runAsNonRoot: true },
    containers: [
      {
        name: 'app',
        image: IMAGE,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  });
  mkdirSync(join(sourceDir, NS.declared), { recursive: true });
  mkdirSync(join(sourceDir, NS.handMade), { recursive: true });
  writeFileSync(join(sourceDir, NS.declared, 'deployments.yaml'), [risky, safe].map((doc) => dump(doc)).join('---\n'));
  writeFileSync(
    join(sourceDir, NS.handMade, 'configmap.yaml'),
    dump({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'declared-settings', namespace: NS.handMade },
      data: { mode: 'prod' },
    }),
  );
}

const BASE_EXEMPTIONS = [
  {
    check: 'pod-host-path',
    kind: 'Pod',
    namespace: NS.security,
    name: 'host-path',
    reason: 'log shipper reads /var/log of the node',
    owner: 'team-observability',
    expires: FUTURE,
  },
  {
    check: 'node-cordoned',
    kind: 'Node',
    name: 'node-cordoned',
    reason: 'kernel upgrade',
    owner: 'team-infra',
    expires: '2024-01-31',
  },
];

function writeConfig(file: string, extraExemptions: Manifest[]): void {
  const config = {
    source: { location: sourceDir },
    clusters: [{ name: 'live', path: '.', kubeconfig: { path: kube.kubeconfig } }],
    report: { destination: join(workDir, 'reports') },
    checks: {
      podPending: { minutes: 1 },
      csrPending: { minutes: 1 },
      podRestarts: { threshold: 5 },
      severity: { 'pod-restarts': 'low' },
      rbac: { allowSubjects: ['group:platform-admins', `serviceaccount:${NS.rbac}/deployer`] },
    },
    exemptions: [...BASE_EXEMPTIONS, ...extraExemptions],
  };
  writeFileSync(file, dump(config));
}

async function createNodes(): Promise<void> {
  await create(
    [
      node('node-notready'),
      node('node-unknown'),
      node('node-pressure'),
      node('node-cordoned', { unschedulable: true }),
      node('node-tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      node('node-healthy', { taints: [{ key: 'dedicated', value: 'ingress', effect: 'NoSchedule' }] }),
    ],
    'kubelet',
  );
  await Promise.all([
    patchStatus(
      'node',
      'node-notready',
      undefined,
      nodeStatus({ Ready: 'False' }, 'container runtime network not ready: NetworkReady=false'),
      'kubelet',
    ),
    patchStatus(
      'node',
      'node-unknown',
      undefined,
      nodeStatus({ Ready: 'Unknown' }, 'Kubelet stopped posting node status.'),
      'kube-controller-manager',
    ),
    patchStatus(
      'node',
      'node-pressure',
      undefined,
      nodeStatus(
        { MemoryPressure: 'True', DiskPressure: 'True', PIDPressure: 'True' },
        'kubelet has insufficient memory available',
      ),
      'kubelet',
    ),
    patchStatus('node', 'node-cordoned', undefined, nodeStatus({}), 'kubelet'),
    patchStatus('node', 'node-tainted', undefined, nodeStatus({}), 'kubelet'),
    patchStatus('node', 'node-healthy', undefined, nodeStatus({}), 'kubelet'),
  ]);
}

/** Pods in every failure mode the kubelet reports, and a healthy twin that tolerates node-healthy's taint. */
async function createPods(): Promise<void> {
  const on = { nodeName: 'node-healthy' };
  const typo = 'registry.example.com/shop/app:1.4.3-typo';
  const denied = 'registry.example.com/private/app:2.0.0';
  await create([
    pod(NS.pods, 'image-pull', { ...on, image: typo }),
    pod(NS.pods, 'err-image-pull', { ...on, image: denied }),
    pod(NS.pods, 'crashloop', on),
    pod(NS.pods, 'config-error', on),
    pod(NS.pods, 'restarts', on),
    pod(NS.pods, 'restarts-at-threshold', on),
    pod(NS.pods, 'volume-wait', { ...on, spec: { volumes: [{ name: 'certs', secret: { secretName: 'tls-certs' } }] } }),
    pod(NS.pods, 'pending', { container: { resources: { requests: { memory: '64Gi' } } } }),
    pod(NS.pods, 'healthy', {
      ...on,
      spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ingress', effect: 'NoSchedule' }] },
    }),
  ]);
  const oom = { reason: 'OOMKilled', exitCode: 137 };
  const waiting = (reason: string, message: string): ContainerStatusOptions['waiting'] => ({ reason, message });
  const kubelet = (name: string, status: Manifest): Promise<void> =>
    patchStatus('pod', name, NS.pods, status, 'kubelet');
  await Promise.all([
    kubelet(
      'image-pull',
      podStatus('Pending', { image: typo, waiting: waiting('ImagePullBackOff', `Back-off pulling image "${typo}"`) }),
    ),
    kubelet(
      'err-image-pull',
      podStatus('Pending', {
        image: denied,
        waiting: waiting('ErrImagePull', 'pull access denied, repository does not exist'),
      }),
    ),
    kubelet(
      'crashloop',
      podStatus('Running', {
        restarts: 12,
        waiting: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=app'),
        lastTerminated: { reason: 'Error', exitCode: 1 },
      }),
    ),
    kubelet(
      'config-error',
      podStatus('Pending', { waiting: waiting('CreateContainerConfigError', 'configmap "app-settings" not found') }),
    ),
    kubelet('restarts', podStatus('Running', { restarts: 9, lastTerminated: oom })),
    kubelet('restarts-at-threshold', podStatus('Running', { restarts: 5, lastTerminated: oom })),
    kubelet('volume-wait', podStatus('Pending', { waiting: waiting('ContainerCreating', '') })),
    patchStatus(
      'pod',
      'pending',
      NS.pods,
      {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/6 nodes are available',
            lastTransitionTime: stamp(-600),
          },
        ],
      },
      'kube-scheduler',
    ),
    kubelet('healthy', runningStatus()),
  ]);
}

/** One bare pod per pod-security risk, a hardened twin, and a privileged Deployment whose two pods run through a ReplicaSet. */
async function createSecurityPods(): Promise<void> {
  const on = { nodeName: 'node-healthy' };
  await create([
    pod(NS.security, 'privileged', { ...on, container: { securityContext: { privileged: true } } }),
    pod(NS.security, 'host-network', { ...on, spec: { hostNetwork: true } }),
    pod(NS.security, 'escalation', { ...on, container: { securityContext: { allowPrivilegeEscalation: true } } }),
    pod(NS.security, 'sys-admin', { ...on, container: { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } } }),
    pod(NS.security, 'host-path', {
      ...on,
      container: { volumeMounts: [{ name: 'logs', mountPath: '/var/log/node', readOnly: true }] },
      spec: { volumes: [{ name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }] },
    }),
    pod(NS.security, 'hardened', {
      ...on,
      spec: { securityContext: { runAsNonRoot: true, runAsUser: 10001 } },
      container: {
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
        },
      },
    }),
    deployment(NS.security, 'agent', 2, {
      containers: [{ name: 'app', image: IMAGE, securityContext: { privileged: true } }],
    }),
  ]);
  // What the Deployment and ReplicaSet controllers would have made.
  const deploymentUid = (
    await kubectl(['get', 'deployment', 'agent', '-n', NS.security, '-o', 'jsonpath={.metadata.uid}'])
  ).trim();
  const hash = '6b7f9c8d5';
  const replicaSetName = `agent-${hash}`;
  const labels = { app: 'agent', 'pod-template-hash': hash };
  const controllerRef = (kind: string, name: string, uid: string): Manifest => ({
    apiVersion: 'apps/v1',
    kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  });
  await create(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: replicaSetName,
          namespace: NS.security,
          labels,
          ownerReferences: [controllerRef('Deployment', 'agent', deploymentUid)],
        },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: IMAGE, securityContext: { privileged: true } }] },
          },
        },
      },
    ],
    'kube-controller-manager',
  );
  const replicaSetUid = (
    await kubectl(['get', 'replicaset', replicaSetName, '-n', NS.security, '-o', 'jsonpath={.metadata.uid}'])
  ).trim();
  const ownerReferences = [controllerRef('ReplicaSet', replicaSetName, replicaSetUid)];
  const agentPods = ['x7k2p', 'q9m4z'].map((suffix) =>
    pod(NS.security, `${replicaSetName}-${suffix}`, {
      ...on,
      labels,
      ownerReferences,
      container: { securityContext: { privileged: true } },
    }),
  );
  await create(agentPods, 'kube-controller-manager');
  const names = [
    'privileged',
    'host-network',
    'escalation',
    'sys-admin',
    'host-path',
    'hardened',
    `${replicaSetName}-x7k2p`,
    `${replicaSetName}-q9m4z`,
  ];
  await Promise.all([
    ...names.map((name) => patchStatus('pod', name, NS.security, runningStatus(), 'kubelet')),
    patchStatus('deployment', 'agent', NS.security, deploymentStatus(2, 2), 'kube-controller-manager'),
  ]);
}

async function createImagePods(): Promise<void> {
  const on = { nodeName: 'node-healthy' };
  const images: Record<string, string> = {
    latest: 'registry.example.com/shop/app:latest',
    untagged: 'registry.example.com/shop/app',
    pinned: IMAGE,
    digest: `registry.example.com/shop/app@sha256:${'b'.repeat(64)}`,
    'registry-port': 'registry.local:5000/shop/app:1.4.2',
  };
  await create(Object.entries(images).map(([name, image]) => pod(NS.images, name, { ...on, image })));
  await Promise.all(
    Object.entries(images).map(([name, image]) => patchStatus('pod', name, NS.images, runningStatus(image), 'kubelet')),
  );
}

async function createWorkloads(): Promise<void> {
  const db: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: NS.workloads },
    spec: {
      replicas: 2,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'db', image: 'registry.example.com/postgres:16.4' }] },
      },
    },
  };
  const work = NS.workloads;
  await create([
    deployment(work, 'web', 3),
    deployment(work, 'api', 2),
    deployment(work, 'fresh', 2),
    db,
    daemonSet('aws-node'),
    daemonSet('calico-node'),
  ]);
  await kubectl([
    'annotate',
    'deployment',
    'web',
    '-n',
    NS.workloads,
    '--field-manager=kube-controller-manager',
    'deployment.kubernetes.io/revision=4',
  ]);
  await Promise.all([
    patchStatus('deployment', 'web', work, deploymentStatus(3, 1), 'kube-controller-manager'),
    patchStatus('deployment', 'api', work, deploymentStatus(2, 2), 'kube-controller-manager'),
    patchStatus(
      'statefulset',
      'db',
      work,
      { observedGeneration: 1, replicas: 2, currentReplicas: 2, readyReplicas: 1, availableReplicas: 1 },
      'kube-controller-manager',
    ),
    // aws-node runs everywhere; calico-node keeps the API server's defaults (desiredNumberScheduled 0) until activateCalico().
    patchStatus('daemonset', 'aws-node', 'kube-system', daemonSetStatus(3), 'kube-controller-manager'),
  ]);
}

async function activateCalico(): Promise<void> {
  await patchStatus('daemonset', 'calico-node', 'kube-system', daemonSetStatus(3), 'kube-controller-manager');
}

async function createEvents(): Promise<void> {
  const pods = NS.pods;
  const work = NS.workloads;
  const rs = (name: string): EventSpec['about'] => ({ kind: 'ReplicaSet', name, apiVersion: 'apps/v1' });
  const backOff = 'Back-off restarting failed container app in pod crashloop_chk-pods';
  await create(
    [
      event('pending.17f1a', {
        ns: pods,
        about: { kind: 'Pod', name: 'pending' },
        type: 'Warning',
        reason: 'FailedScheduling',
        message:
          '0/6 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 4 Insufficient memory. ' +
          'preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod.',
        count: 4,
        by: 'default-scheduler',
      }),
      // Two series about the same pod: one finding, counts summed.
      event('crashloop.17f1b', {
        ns: pods,
        about: { kind: 'Pod', name: 'crashloop' },
        type: 'Warning',
        reason: 'BackOff',
        message: backOff,
        count: 3,
        by: 'kubelet',
      }),
      event('crashloop.17f1c', {
        ns: pods,
        about: { kind: 'Pod', name: 'crashloop' },
        type: 'Warning',
        reason: 'BackOff',
        message: backOff,
        count: 5,
        by: 'kubelet',
      }),
      event('volume-wait.17f1d', {
        ns: pods,
        about: { kind: 'Pod', name: 'volume-wait' },
        type: 'Warning',
        reason: 'FailedMount',
        message: 'MountVolume.SetUp failed for volume "certs" : secret "tls-certs" not found',
        count: 6,
        by: 'kubelet',
      }),
      event('web-6f7d8c9b5.17f21', {
        ns: work,
        about: rs('web-6f7d8c9b5'),
        type: 'Warning',
        reason: 'FailedCreate',
        message:
          'Error creating: admission webhook "validate.kyverno.svc-fail" denied the request: ' +
          'policy require-run-as-nonroot: validation error: Running as root is not allowed.',
        count: 12,
        by: 'replicaset-controller',
      }),
      event('worker-5c4b3a2d1.17f22', {
        ns: work,
        about: rs('worker-5c4b3a2d1'),
        type: 'Warning',
        reason: 'FailedCreate',
        message:
          'Error creating: pods "worker-5c4b3a2d1-x7k2p" is forbidden: exceeded quota: compute, requested: limits.cpu=2, used: limits.cpu=8, limited: limits.cpu=8',
        count: 3,
        by: 'replicaset-controller',
      }),
      // Twins: Normal events, and a Warning whose reason no check watches.
      event('healthy.17f1e', {
        ns: pods,
        about: { kind: 'Pod', name: 'healthy' },
        type: 'Normal',
        reason: 'Scheduled',
        message: 'Successfully assigned chk-pods/healthy to node-healthy',
        count: 1,
        by: 'default-scheduler',
      }),
      event('healthy.17f1f', {
        ns: pods,
        about: { kind: 'Pod', name: 'healthy' },
        type: 'Normal',
        reason: 'Pulled',
        message: `Container image "${IMAGE}" already present on machine`,
        count: 1,
        by: 'kubelet',
      }),
      event('healthy.17f20', {
        ns: pods,
        about: { kind: 'Pod', name: 'healthy' },
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
        count: 2,
        by: 'kubelet',
      }),
      event('api-7c9d6b5f4.17f23', {
        ns: work,
        about: rs('api-7c9d6b5f4'),
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: 'Created pod: api-7c9d6b5f4-h2k8d',
        count: 1,
        by: 'replicaset-controller',
      }),
    ],
    'kubelet',
  );
}

async function createCsrs(): Promise<void> {
  const request = certificateRequest('alice');
  await create(['csr-pending', 'csr-denied', 'csr-approved', 'csr-failed'].map((name) => csr(name, request)));
  await kubectl(['certificate', 'deny', 'csr-denied']);
  await kubectl(['certificate', 'approve', 'csr-approved', 'csr-failed']);
  // The signer could not sign it after approval: it appends Failed through the status subresource.
  const failed = {
    type: 'Failed',
    status: 'True',
    reason: 'SignerValidationFailure',
    message: 'requested duration exceeds the signer maximum',
    lastUpdateTime: stamp(0),
    lastTransitionTime: stamp(0),
  };
  const appendFailed = JSON.stringify([{ op: 'add', path: '/status/conditions/-', value: failed }]);
  await kubectl([
    'patch',
    'csr',
    'csr-failed',
    '--subresource=status',
    '--field-manager=kube-controller-manager',
    '--type=json',
    '-p',
    appendFailed,
  ]);
}

async function createRbac(): Promise<void> {
  const clusterAdmin = { kind: 'ClusterRole', name: 'cluster-admin' };
  const everything = { kind: 'Role', name: 'everything' };
  const user = (name: string): Manifest => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
  const group = (name: string): Manifest => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
  await create([
    binding('ClusterRoleBinding', 'mallory-admin', clusterAdmin, user('mallory')),
    binding('ClusterRoleBinding', 'platform-admins', clusterAdmin, group('platform-admins')),
    binding('ClusterRoleBinding', 'controller-admin', clusterAdmin, user('system:kube-controller-manager')),
    role('everything', ['*']),
    role('reader', ['get', 'list', 'watch']),
    binding('RoleBinding', 'ci-everything', everything, group('ci-bots'), NS.rbac),
    binding('RoleBinding', 'all-users-everything', everything, group('system:authenticated'), NS.rbac),
    binding(
      'RoleBinding',
      'deployer-everything',
      everything,
      { kind: 'ServiceAccount', name: 'deployer', namespace: NS.rbac },
      NS.rbac,
    ),
    binding('RoleBinding', 'mallory-reader', { kind: 'Role', name: 'reader' }, user('mallory'), NS.rbac),
  ]);
}

async function createHandMade(): Promise<void> {
  await kubectl(['create', 'configmap', 'handmade', '-n', NS.handMade, '--from-literal=debug=true']);
  await kubectl(['apply', '--server-side', '-f', join(sourceDir, NS.handMade, 'configmap.yaml')]);
  const clientSide = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'client-applied', namespace: NS.handMade },
    data: { a: 'b' },
  };
  await kubectl(['apply', '-f', '-'], JSON.stringify(clientSide));
}

// ---------------------------------------------------------------------------------------------------------------
// audits

interface CliAudit {
  status: number;
  report: Report;
  findings: ReportFinding[];
}

function audit(config: string, extra: string[]): CliAudit {
  const result = runCli(['audit', '--config', config, '--format', 'json', '-q', ...extra]);
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON report (exit ${result.status}): ${result.stderr}`);
  }
  return { status: result.status, report, findings: report.findings };
}

/** `Kind namespace/name` (or `Kind name`) of every finding of `check`, sorted. */
function subjects(findings: readonly ReportFinding[], check: string): string[] {
  return findings
    .filter((found) => found.check === check)
    .map((found) => `${found.kind} ${found.namespace === undefined ? '' : `${found.namespace}/`}${found.name}`)
    .sort();
}

function only(findings: readonly ReportFinding[], check: string, name: string): ReportFinding {
  const matches = findings.filter((found) => found.check === check && found.name === name);
  expect(matches, `${check} ${name}`).toHaveLength(1);
  const [found] = matches;
  if (found === undefined) throw new Error(`no ${check} finding for ${name}`);
  return found;
}

/** Every check id a finding about this object carries. */
function checksAbout(findings: readonly ReportFinding[], kind: string, name: string, ns?: string): string[] {
  return findings
    .filter((found) => found.kind === kind && found.name === name && found.namespace === ns)
    .map((found) => found.check)
    .sort();
}

let beforeCalico: CliAudit;
let main: CliAudit;
let accepted: CliAudit;
let liveRead: Promise<LiveState> | undefined;

/** The CLI's pipeline on the same config and source, evaluated `minutesLater` minutes from now. */
async function auditLater(minutesLater: number): Promise<ReportFinding[]> {
  const config = await loadConfig(configFile);
  const tree = await openSource(sourceDir);
  const report = await auditCluster({
    cluster: 'live',
    sourcePath: '.',
    tree,
    // One read of the cluster serves every evaluation: only the clock moves.
    readLive: (kinds) => (liveRead ??= readCluster({ kubeconfigPath: kube.kubeconfig, kinds: [...kinds] })),
    drift: { trustedManagers: config.trustedManagers },
    checks: { config: config.checks, exemptions: config.exemptions },
    runId: `later-${minutesLater}`,
    now: () => new Date(Date.now() + minutesLater * MINUTE),
  });
  return report.findings;
}

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: false, slack: false });
  if (!world.kube) throw new Error('no kube-apiserver in the test world');
  kube = world.kube;
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-checks-live-'));
  sourceDir = join(workDir, 'src');
  historyDir = join(workDir, 'history');
  configFile = join(workDir, 'driftwatch.yaml');
  acceptedConfigFile = join(workDir, 'accepted.yaml');
  writeSource();
  writeConfig(configFile, []);
  writeConfig(acceptedConfigFile, [
    {
      check: 'node-not-ready',
      kind: 'Node',
      name: 'node-*',
      reason: 'nodes being replaced',
      owner: 'team-infra',
      expires: FUTURE,
    },
    {
      check: 'rbac-cluster-admin',
      kind: 'ClusterRoleBinding',
      name: 'mallory-admin',
      reason: 'break-glass, OPS-1234',
      owner: 'team-security',
      expires: FUTURE,
    },
    { check: 'pod-privileged', reason: 'node agents', owner: 'team-platform', expires: FUTURE },
  ]);

  await create(Object.values(NS).map(namespace));
  await createNodes();
  await Promise.all([
    createPods(),
    createSecurityPods(),
    createImagePods(),
    createWorkloads(),
    createEvents(),
    createCsrs(),
    createRbac(),
    createHandMade(),
  ]);

  beforeCalico = audit(configFile, ['--no-write', '--fail-on', 'critical']);
  await activateCalico();
  main = audit(configFile, ['--out', historyDir, '--fail-on', 'critical']);
  accepted = audit(acceptedConfigFile, ['--no-write', '--fail-on', 'critical']);
}, 120_000);

afterAll(async () => {
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the audit', () => {
  test('reads the whole cluster completely and exits 1 on --fail-on critical while a critical finding is open', () => {
    expect(
      main.report.scan.complete,
      JSON.stringify(main.report.scan.lists.filter((list) => list.status !== 'listed')),
    ).toBe(true);
    expect(main.findings.some((found) => found.severity === 'critical' && found.exempted !== true)).toBe(true);
    expect(main.status).toBe(1);
  });

  test('exits 0 on --fail-on critical once every critical finding is exempted, still listing them as exempted', () => {
    const critical = accepted.findings.filter((found) => found.severity === 'critical');
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((found) => found.exempted === true)).toBe(true);
    expect(accepted.report.summary.findings.critical).toBe(0);
    expect(accepted.report.summary.findings.high).toBeGreaterThan(0);
    expect(accepted.status).toBe(0);
  });
});

describe('pods', () => {
  test('pod-image-pull fires on ImagePullBackOff and ErrImagePull containers, with the describe command', () => {
    expect(subjects(main.findings, 'pod-image-pull')).toEqual([
      `Pod ${NS.pods}/err-image-pull`,
      `Pod ${NS.pods}/image-pull`,
    ]);
    const found = only(main.findings, 'pod-image-pull', 'image-pull');
    expect(found.severity).toBe('high');
    expect(found.message).toContain('cannot pull image "registry.example.com/shop/app:1.4.3-typo" (ImagePullBackOff');
    expect(found.remediation).toContain(`kubectl describe pod image-pull -n ${NS.pods}`);
    expect(only(main.findings, 'pod-image-pull', 'err-image-pull').evidence).toMatchObject({
      reason: 'ErrImagePull',
      containers: ['app'],
    });
  });

  test('pod-crash-loop fires on CrashLoopBackOff with the previous logs command, and pod-restarts leaves that container to it', () => {
    expect(subjects(main.findings, 'pod-crash-loop')).toEqual([`Pod ${NS.pods}/crashloop`]);
    const found = only(main.findings, 'pod-crash-loop', 'crashloop');
    expect(found.message).toContain('crash-looping after 12 restarts');
    expect(found.message).toContain('last exit: Error, exit code 1');
    expect(found.remediation).toBe(`kubectl logs crashloop -n ${NS.pods} -c app --previous`);
  });

  test('pod-config-error fires on CreateContainerConfigError, naming the missing ConfigMap', () => {
    expect(subjects(main.findings, 'pod-config-error')).toEqual([`Pod ${NS.pods}/config-error`]);
    expect(only(main.findings, 'pod-config-error', 'config-error').message).toContain(
      'configmap "app-settings" not found',
    );
  });

  test('pod-restarts fires above the threshold (9 > 5) at the configured severity, and stays quiet at the threshold (5)', () => {
    expect(subjects(main.findings, 'pod-restarts')).toEqual([`Pod ${NS.pods}/restarts`]);
    const found = only(main.findings, 'pod-restarts', 'restarts');
    expect(found.severity).toBe('low');
    expect(found.message).toContain('restarted 9 times (last exit: OOMKilled, exit code 137)');
    expect(found.remediation).toContain(`kubectl logs restarts -n ${NS.pods} -c app --previous`);
  });

  test('the healthy twin (Running, ready, 0 restarts, pinned image, tolerated taint) has no finding at all', () => {
    expect(checksAbout(main.findings, 'Pod', 'healthy', NS.pods)).toEqual([]);
    expect(checksAbout(main.findings, 'Pod', 'restarts-at-threshold', NS.pods)).toEqual([]);
  });

  test('pod-pending stays quiet while the Pending pods are younger than checks.podPending.minutes', () => {
    expect(subjects(main.findings, 'pod-pending')).toEqual([]);
  });

  test('pod-pending fires once the threshold has passed, with the FailedScheduling cause, and not for pods stuck on a container', async () => {
    const later = await auditLater(2);
    // image-pull, err-image-pull and config-error are Pending too: their stuck container is the finding.
    expect(subjects(later, 'pod-pending')).toEqual([`Pod ${NS.pods}/pending`, `Pod ${NS.pods}/volume-wait`]);
    const found = only(later, 'pod-pending', 'pending');
    expect(found.message).toContain(
      'has been Pending for 2 min (threshold 1 min): FailedScheduling: 0/6 nodes are available: 1 node(s) had untolerated taint',
    );
    expect(found.remediation).toContain(`kubectl describe pod pending -n ${NS.pods}`);
    expect(checksAbout(later, 'Pod', 'healthy', NS.pods)).toEqual([]);
  });
});

describe('workloads', () => {
  test('workload-unavailable fires on a Deployment and a StatefulSet below desired, with the rollback to the previous revision', () => {
    expect(subjects(main.findings, 'workload-unavailable')).toEqual([
      `Deployment ${NS.workloads}/web`,
      `StatefulSet ${NS.workloads}/db`,
    ]);
    const web = only(main.findings, 'workload-unavailable', 'web');
    expect(web.message).toBe(`Deployment ${NS.workloads}/web has 1/3 replicas available`);
    expect(web.remediation).toBe(
      `kubectl rollout status deploy/web -n ${NS.workloads}; if the latest rollout broke it: kubectl rollout undo deploy/web -n ${NS.workloads} --to-revision 3`,
    );
    expect(only(main.findings, 'workload-unavailable', 'db').message).toBe(
      `StatefulSet ${NS.workloads}/db has 1/2 replicas ready`,
    );
  });

  test('workload-unavailable stays quiet on a fully available twin, on DaemonSets with every pod available, and on a Deployment no controller has observed yet', () => {
    for (const [kind, name, ns] of [
      ['Deployment', 'api', NS.workloads],
      ['Deployment', 'fresh', NS.workloads],
      ['Deployment', 'agent', NS.security],
      ['DaemonSet', 'aws-node', 'kube-system'],
      ['DaemonSet', 'calico-node', 'kube-system'],
    ] as const) {
      expect(checksAbout(main.findings, kind, name, ns), `${kind} ${name}`).not.toContain('workload-unavailable');
    }
  });
});

describe('events', () => {
  test('each watched Warning reason fires its check once per involved object, with counts summed', () => {
    expect(subjects(main.findings, 'event-failed-scheduling')).toEqual([`Pod ${NS.pods}/pending`]);
    expect(subjects(main.findings, 'event-backoff')).toEqual([`Pod ${NS.pods}/crashloop`]);
    expect(subjects(main.findings, 'event-failed-mount')).toEqual([`Pod ${NS.pods}/volume-wait`]);
    expect(subjects(main.findings, 'event-admission-denied')).toEqual([`ReplicaSet ${NS.workloads}/web-6f7d8c9b5`]);
    expect(subjects(main.findings, 'event-failed-create')).toEqual([`ReplicaSet ${NS.workloads}/worker-5c4b3a2d1`]);

    const backOff = only(main.findings, 'event-backoff', 'crashloop');
    expect(backOff.evidence).toMatchObject({ reason: 'BackOff', count: 8 });
    expect(backOff.remediation).toBe(
      `kubectl describe pod crashloop -n ${NS.pods}; for a crashing container: kubectl logs crashloop -n ${NS.pods} --previous`,
    );
    expect(only(main.findings, 'event-failed-scheduling', 'pending').evidence).toMatchObject({ count: 4 });
    expect(only(main.findings, 'event-failed-mount', 'volume-wait').message).toContain('6 FailedMount warnings');
  });

  test('an admission webhook denial is event-admission-denied (high), not event-failed-create', () => {
    const denied = only(main.findings, 'event-admission-denied', 'web-6f7d8c9b5');
    expect(denied.severity).toBe('high');
    expect(denied.message).toContain('12 admission webhook denials');
    expect(denied.message).toContain('validate.kyverno.svc-fail');
    expect(denied.remediation).toContain(`kubectl describe replicaset web-6f7d8c9b5 -n ${NS.workloads}`);
    expect(checksAbout(main.findings, 'ReplicaSet', 'web-6f7d8c9b5', NS.workloads)).toEqual(['event-admission-denied']);
  });

  test('Normal events and Warning reasons no check watches stay quiet', () => {
    expect(checksAbout(main.findings, 'Pod', 'healthy', NS.pods)).toEqual([]);
    expect(checksAbout(main.findings, 'ReplicaSet', 'api-7c9d6b5f4', NS.workloads)).toEqual([]);
  });

  test('Warning events already reported by the previous run are not reported again', () => {
    const repeat = audit(configFile, ['--out', historyDir]);
    expect(repeat.findings.filter((found) => found.check.startsWith('event-'))).toEqual([]);
    expect(subjects(repeat.findings, 'pod-crash-loop')).toEqual([`Pod ${NS.pods}/crashloop`]);
  });

  test('Warning events older than checks.events.windowMinutes (60) are not reported', async () => {
    const later = await auditLater(90);
    expect(later.filter((found) => found.check.startsWith('event-'))).toEqual([]);
    expect(subjects(later, 'pod-crash-loop')).toEqual([`Pod ${NS.pods}/crashloop`]);
  });
});

describe('nodes', () => {
  test('node-not-ready fires on Ready=False and Ready=Unknown (critical) with the drain command', () => {
    expect(subjects(main.findings, 'node-not-ready')).toEqual(['Node node-notready', 'Node node-unknown']);
    const found = only(main.findings, 'node-not-ready', 'node-notready');
    expect(found.severity).toBe('critical');
    expect(found.message).toContain('is NotReady (Ready=False since');
    expect(found.message).toContain('container runtime network not ready');
    expect(found.remediation).toContain('kubectl describe node node-notready');
    expect(found.remediation).toContain('kubectl drain --ignore-daemonsets --delete-emptydir-data node-notready');
    expect(only(main.findings, 'node-not-ready', 'node-unknown').evidence).toMatchObject({ ready: 'Unknown' });
  });

  test('node-pressure fires once per node, naming every pressure condition', () => {
    expect(subjects(main.findings, 'node-pressure')).toEqual(['Node node-pressure']);
    const found = only(main.findings, 'node-pressure', 'node-pressure');
    expect(found.evidence).toMatchObject({ conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure'] });
    expect(found.remediation).toContain('kubectl drain --ignore-daemonsets --delete-emptydir-data node-pressure');
  });

  test('node-cordoned fires on spec.unschedulable with the uncordon command', () => {
    expect(subjects(main.findings, 'node-cordoned')).toEqual(['Node node-cordoned']);
    expect(only(main.findings, 'node-cordoned', 'node-cordoned').remediation).toContain(
      'kubectl uncordon node-cordoned',
    );
  });

  test('node-taint-untolerated fires on a taint nothing tolerates, and skips the taints the API server adds itself', () => {
    expect(subjects(main.findings, 'node-taint-untolerated')).toEqual(['Node node-tainted']);
    const found = only(main.findings, 'node-taint-untolerated', 'node-tainted');
    expect(found.evidence).toMatchObject({ taints: ['dedicated=gpu:NoSchedule'] });
    expect(found.remediation).toContain('kubectl taint nodes node-tainted dedicated=gpu:NoSchedule-');
  });

  test('the healthy twin (Ready, no pressure, schedulable, tainted but tolerated) has no finding', () => {
    expect(checksAbout(main.findings, 'Node', 'node-healthy')).toEqual([]);
  });
});

describe('certificate signing requests', () => {
  test('csr-denied and csr-failed fire on the decided CSRs; the approved twin stays quiet', () => {
    expect(subjects(main.findings, 'csr-denied')).toEqual(['CertificateSigningRequest csr-denied']);
    expect(subjects(main.findings, 'csr-failed')).toEqual(['CertificateSigningRequest csr-failed']);
    const denied = only(main.findings, 'csr-denied', 'csr-denied');
    expect(denied.message).toContain(
      'from driftwatch-admin for kubernetes.io/kube-apiserver-client was denied: KubectlDeny',
    );
    expect(denied.remediation).toContain('kubectl delete csr csr-denied');
    expect(only(main.findings, 'csr-failed', 'csr-failed').message).toContain(
      'not signed (Failed): SignerValidationFailure',
    );
    expect(checksAbout(main.findings, 'CertificateSigningRequest', 'csr-approved')).toEqual([]);
  });

  test('csr-pending stays quiet while the CSR is younger than checks.csrPending.minutes', () => {
    expect(subjects(main.findings, 'csr-pending')).toEqual([]);
  });

  test('csr-pending fires on the undecided CSR once the threshold has passed, with the approve command', async () => {
    const later = await auditLater(2);
    expect(subjects(later, 'csr-pending')).toEqual(['CertificateSigningRequest csr-pending']);
    const found = only(later, 'csr-pending', 'csr-pending');
    expect(found.message).toContain('has been pending for 2 min (threshold 1 min)');
    expect(found.remediation).toContain('kubectl certificate approve csr-pending');
    expect(found.remediation).toContain('kubectl certificate deny csr-pending');
  });
});

describe('RBAC', () => {
  test('rbac-cluster-admin fires for user:mallory only: a system: identity and an allow-listed group stay quiet', () => {
    expect(subjects(main.findings, 'rbac-cluster-admin')).toEqual(['ClusterRoleBinding mallory-admin']);
    const found = only(main.findings, 'rbac-cluster-admin', 'mallory-admin');
    expect(found.severity).toBe('critical');
    expect(found.evidence).toMatchObject({ subject: 'user:mallory', role: 'cluster-admin' });
    expect(found.remediation).toContain('kubectl edit clusterrolebinding mallory-admin');
  });

  test('rbac-wildcard fires for a group and for system:authenticated (never covered by group:system:*); the allow-listed service account and a narrow role stay quiet', () => {
    expect(subjects(main.findings, 'rbac-wildcard')).toEqual([
      `RoleBinding ${NS.rbac}/all-users-everything`,
      `RoleBinding ${NS.rbac}/ci-everything`,
    ]);
    const found = only(main.findings, 'rbac-wildcard', 'ci-everything');
    expect(found.evidence).toMatchObject({ subject: 'group:ci-bots', role: `Role ${NS.rbac}/everything (verbs *)` });
    expect(found.remediation).toContain(`kubectl edit rolebinding ci-everything -n ${NS.rbac}`);
    expect(only(main.findings, 'rbac-wildcard', 'all-users-everything').evidence).toMatchObject({
      subject: 'group:system:authenticated',
    });
  });
});

describe('pod security', () => {
  const expected: Array<[string, string]> = [
    ['pod-privileged', 'privileged'],
    ['pod-host-namespaces', 'host-network'],
    ['pod-privilege-escalation', 'escalation'],
    ['pod-dangerous-capabilities', 'sys-admin'],
    ['pod-host-path', 'host-path'],
  ];

  test.each(expected)(
    '%s fires on live bare pod %s only, and on the risky template declared in Git',
    (check, podName) => {
      const live = subjects(main.findings, check).filter((subject) => subject.startsWith(`Pod ${NS.security}/`));
      expect(live).toEqual([`Pod ${NS.security}/${podName}`]);
      expect(checksAbout(main.findings, 'Pod', podName, NS.security).filter((id) => id.startsWith('pod-'))).toEqual([
        check,
      ]);
      const declared = only(main.findings, check, 'risky');
      expect(declared.namespace).toBe(NS.declared);
      expect(declared.evidence).toMatchObject({ declared: true, pods: 0 });
      expect(declared.message).toContain('(declared in Git)');
      expect(declared.remediation).toContain(`kubectl get deployment risky -n ${NS.declared} -o yaml`);
    },
  );

  test('live pods of a Deployment are reported once on the Deployment, with the pod count', () => {
    expect(subjects(main.findings, 'pod-privileged')).toEqual([
      `Deployment ${NS.declared}/risky`,
      `Deployment ${NS.security}/agent`,
      `Pod ${NS.security}/privileged`,
    ]);
    const agent = only(main.findings, 'pod-privileged', 'agent');
    expect(agent.evidence).toMatchObject({ declared: false, pods: 2, examplePod: 'agent-6b7f9c8d5-q9m4z' });
    expect(agent.message).toContain('2 running pods, e.g. agent-6b7f9c8d5-q9m4z');
  });

  test('the hardened twin (live) and the safe template (Git) have no finding', () => {
    expect(checksAbout(main.findings, 'Pod', 'hardened', NS.security)).toEqual([]);
    expect(checksAbout(main.findings, 'Deployment', 'safe', NS.declared)).toEqual([]);
  });
});

describe('images', () => {
  test('images-latest fires on :latest and untagged images; pinned tags, digests and a registry port stay quiet', () => {
    expect(subjects(main.findings, 'images-latest')).toEqual([
      `Deployment ${NS.declared}/risky`,
      `Pod ${NS.images}/latest`,
      `Pod ${NS.images}/untagged`,
    ]);
    expect(only(main.findings, 'images-latest', 'untagged').message).toContain('without a tag (means :latest)');
    for (const name of ['pinned', 'digest', 'registry-port'])
      expect(checksAbout(main.findings, 'Pod', name, NS.images), name).toEqual([]);
  });

  test('images-without-digest stays off unless opted in', () => {
    expect(subjects(main.findings, 'images-without-digest')).toEqual([]);
  });
});

describe('hand-made objects', () => {
  test('hand-made-object fires on a ConfigMap made with kubectl create in an audited namespace, with the delete command', () => {
    // The ClusterRoleBindings above were made with kubectl create too: cluster-scoped, so always in scope.
    expect(subjects(main.findings, 'hand-made-object')).toEqual([
      'ClusterRoleBinding controller-admin',
      'ClusterRoleBinding mallory-admin',
      'ClusterRoleBinding platform-admins',
      `ConfigMap ${NS.handMade}/handmade`,
    ]);
    const found = only(main.findings, 'hand-made-object', 'handmade');
    expect(found.evidence).toMatchObject({ managers: ['kubectl-create (Update)'] });
    expect(found.remediation).toContain(`kubectl delete configmap handmade -n ${NS.handMade}`);
  });

  test('ConfigMaps applied server-side or client-side stay quiet, and so do objects outside the audited namespaces', () => {
    expect(checksAbout(main.findings, 'ConfigMap', 'declared-settings', NS.handMade)).toEqual([]);
    expect(checksAbout(main.findings, 'ConfigMap', 'client-applied', NS.handMade)).toEqual([]);
    // Every pod above was made with kubectl create, in namespaces the source does not use.
    expect(
      main.findings.filter(
        (found) =>
          found.check === 'hand-made-object' && found.namespace !== undefined && found.namespace !== NS.handMade,
      ),
    ).toEqual([]);
  });
});

describe('CNI', () => {
  test('cni-multiple stays quiet while only aws-node schedules pods (calico-node desired 0)', () => {
    expect(subjects(beforeCalico.findings, 'cni-multiple')).toEqual([]);
  });

  test('cni-multiple fires for aws-node and for calico-node once both schedule pods, with the aws-node parking command', () => {
    expect(subjects(main.findings, 'cni-multiple')).toEqual([
      'DaemonSet kube-system/aws-node',
      'DaemonSet kube-system/calico-node',
    ]);
    const found = only(main.findings, 'cni-multiple', 'aws-node');
    expect(found.severity).toBe('high');
    expect(found.evidence).toMatchObject({ daemonSets: ['kube-system/aws-node', 'kube-system/calico-node'] });
    expect(found.remediation).toContain('kubectl -n kube-system patch daemonset aws-node');
    expect(found.remediation).not.toMatch(/cilium/i);
  });
});

describe('exemptions', () => {
  test('a config exemption in force keeps the finding, marked exempted with its reason, owner and expiry; a twin it does not match stays open', () => {
    const exempted = only(main.findings, 'pod-host-path', 'host-path');
    expect(exempted.exempted).toBe(true);
    expect(exempted.exemption).toEqual({
      source: 'config',
      reason: 'log shipper reads /var/log of the node',
      owner: 'team-observability',
      expires: FUTURE,
    });
    expect(only(main.findings, 'pod-host-path', 'risky').exempted).toBeUndefined();
    expect(main.report.summary.exemptedFindings).toBe(1);
  });

  test('an expired exemption covers nothing and is reported as exemption-expired', () => {
    expect(only(main.findings, 'node-cordoned', 'node-cordoned').exempted).toBeUndefined();
    expect(subjects(main.findings, 'exemption-expired')).toEqual(['Exemption node-cordoned Node node-cordoned']);
    const expired = only(main.findings, 'exemption-expired', 'node-cordoned Node node-cordoned');
    expect(expired.message).toContain('(owner team-infra) expired on 2024-01-31');
    expect(expired.remediation).toContain('ask team-infra to renew it');
  });
});
