/**
 * Values the API server fills in when a field is left out. They follow the defaulting functions of Kubernetes:
 * `pkg/apis/core/v1/defaults.go` (containers, probes, volumes, pod specs, Services, PVCs),
 * `pkg/apis/apps/v1/defaults.go` (Deployments, StatefulSets, DaemonSets, ReplicaSets),
 * `pkg/apis/batch/v1/defaults.go` (Jobs, CronJobs) and `pkg/apis/admissionregistration/v1/defaults.go` (webhooks). A manager that created an object through an Update
 * (`kubectl create`, a client-side applier) is recorded as the owner of these defaults, so a live-only field that
 * holds its default is the server's doing, not a hand-made change.
 */
export type DefaultValue = (parent: Readonly<Record<string, unknown>>) => unknown;

const constant =
  (value: unknown): DefaultValue =>
  () =>
    value;

/** `imagePullPolicy` defaults to Always for `:latest` or untagged images, IfNotPresent otherwise. */
const pullPolicyDefault: DefaultValue = (container) => {
  const image = typeof container['image'] === 'string' ? container['image'] : '';
  const lastPart = image.split('/').pop() ?? '';
  if (lastPart.includes('@')) return 'IfNotPresent';
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
};

/**
 * Keyed by the trailing field names of the path (list steps left out), optionally only for some `group/Kind`s.
 * The longest matching suffix wins.
 */
type DefaultRule = readonly [suffix: string, value: DefaultValue, kinds?: ReadonlySet<string>];

const WORKLOADS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet', '/ReplicationController']);
const SERVICE = new Set(['/Service']);
const DAEMONSET = new Set(['apps/DaemonSet']);
const JOBS = new Set(['batch/Job', 'batch/CronJob']);

const DEFAULTS: ReadonlyArray<DefaultRule> = [
  // Containers (any container list in any pod template): core/v1 defaults.go SetDefaults_Container, _Probe, _HTTPGetAction,
  // _ObjectFieldSelector, _ResourceFieldRef, _ConfigMapVolumeSource, _SecretVolumeSource, ...
  ['imagePullPolicy', pullPolicyDefault],
  ['terminationMessagePath', constant('/dev/termination-log')],
  ['terminationMessagePolicy', constant('File')],
  ['ports.protocol', constant('TCP')],
  ['httpGet.scheme', constant('HTTP')],
  ['livenessProbe.timeoutSeconds', constant(1)],
  ['livenessProbe.periodSeconds', constant(10)],
  ['livenessProbe.successThreshold', constant(1)],
  ['livenessProbe.failureThreshold', constant(3)],
  ['readinessProbe.timeoutSeconds', constant(1)],
  ['readinessProbe.periodSeconds', constant(10)],
  ['readinessProbe.successThreshold', constant(1)],
  ['readinessProbe.failureThreshold', constant(3)],
  ['startupProbe.timeoutSeconds', constant(1)],
  ['startupProbe.periodSeconds', constant(10)],
  ['startupProbe.successThreshold', constant(1)],
  ['startupProbe.failureThreshold', constant(3)],
  ['fieldRef.apiVersion', constant('v1')],
  ['resourceFieldRef.divisor', constant('0')],
  ['configMap.defaultMode', constant(420)],
  ['secret.defaultMode', constant(420)],
  ['projected.defaultMode', constant(420)],
  ['downwardAPI.defaultMode', constant(420)],
  // Pod specs: core/v1 defaults.go SetDefaults_PodSpec.
  ['spec.dnsPolicy', constant('ClusterFirst')],
  ['spec.restartPolicy', constant('Always')],
  ['spec.schedulerName', constant('default-scheduler')],
  ['spec.terminationGracePeriodSeconds', constant(30)],
  ['spec.enableServiceLinks', constant(true)],
  // Workloads: apps/v1 defaults.go SetDefaults_Deployment, _StatefulSet, _DaemonSet, _ReplicaSet; batch/v1 defaults.go
  // SetDefaults_Job, _CronJob; core/v1 defaults.go SetDefaults_PersistentVolumeClaimSpec (volumeMode).
  ['spec.replicas', constant(1), WORKLOADS],
  ['spec.progressDeadlineSeconds', constant(600)],
  ['spec.revisionHistoryLimit', constant(10)],
  ['spec.strategy.type', constant('RollingUpdate')],
  ['spec.strategy.rollingUpdate.maxSurge', constant('25%')],
  ['spec.strategy.rollingUpdate.maxUnavailable', constant('25%')],
  ['spec.podManagementPolicy', constant('OrderedReady')],
  ['spec.updateStrategy.type', constant('RollingUpdate')],
  ['spec.updateStrategy.rollingUpdate.partition', constant(0)],
  ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted', constant('Retain')],
  ['spec.persistentVolumeClaimRetentionPolicy.whenScaled', constant('Retain')],
  ['spec.updateStrategy.rollingUpdate.maxUnavailable', constant(1), DAEMONSET],
  ['spec.updateStrategy.rollingUpdate.maxSurge', constant(0), DAEMONSET],
  ['spec.backoffLimit', constant(6)],
  ['spec.completionMode', constant('NonIndexed')],
  ['spec.parallelism', constant(1), JOBS],
  ['spec.completions', constant(1), JOBS],
  ['spec.podReplacementPolicy', constant('TerminatingOrFailed'), JOBS],
  ['spec.manualSelector', constant(false), JOBS],
  ['spec.suspend', constant(false), JOBS],
  ['spec.concurrencyPolicy', constant('Allow')],
  ['spec.successfulJobsHistoryLimit', constant(3)],
  ['spec.failedJobsHistoryLimit', constant(1)],
  ['spec.volumeMode', constant('Filesystem')],
  // Services: core/v1 defaults.go SetDefaults_Service.
  ['spec.sessionAffinity', constant('None'), SERVICE],
  ['spec.type', constant('ClusterIP'), SERVICE],
  ['spec.internalTrafficPolicy', constant('Cluster'), SERVICE],
  ['spec.externalTrafficPolicy', constant('Cluster'), SERVICE],
  ['spec.allocateLoadBalancerNodePorts', constant(true), SERVICE],
  ['spec.sessionAffinityConfig.clientIP.timeoutSeconds', constant(10800), SERVICE],
  ['spec.ports.targetPort', (port) => port['port'], SERVICE],
  // Admission webhooks: admissionregistration/v1 defaults.go SetDefaults_ValidatingWebhook, _MutatingWebhook,
  // _ServiceReference, _Rule.
  ['webhooks.failurePolicy', constant('Fail')],
  ['webhooks.matchPolicy', constant('Equivalent')],
  ['webhooks.timeoutSeconds', constant(10)],
  ['webhooks.reinvocationPolicy', constant('Never')],
  ['webhooks.clientConfig.service.port', constant(443)],
  ['webhooks.rules.scope', constant('*')],
];

/** The rules that apply to one `group/Kind`, by suffix; the first rule of the table wins among equal suffixes. */
export type KindDefaults = ReadonlyMap<string, DefaultValue>;

/** The table's rules for one `group/Kind` (objectKind), indexed by suffix. */
export function builtInDefaults(objectKind: string): KindDefaults {
  const rules = new Map<string, DefaultValue>();
  for (const [suffix, value, kinds] of DEFAULTS)
    if ((!kinds || kinds.has(objectKind)) && !rules.has(suffix)) rules.set(suffix, value);
  return rules;
}

/**
 * The rule for the field at `joinedNames` (field names joined by dots): the longest matching suffix wins, the whole
 * name first, then what follows each dot, left to right (a field name may hold dots itself, and the table matches the
 * joined text, so this stays the text's suffix match). Undefined when no rule applies.
 */
export function defaultRuleAt(rules: KindDefaults, joinedNames: string): DefaultValue | undefined {
  for (let start = 0; ; ) {
    const rule = rules.get(start === 0 ? joinedNames : joinedNames.slice(start));
    if (rule) return rule;
    const dot = joinedNames.indexOf('.', start);
    if (dot < 0) return undefined;
    start = dot + 1;
  }
}
