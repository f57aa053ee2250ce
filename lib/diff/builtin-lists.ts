import type { ListStrategy } from './list-strategy.ts';

/**
 * Merge keys of the built-in types' lists. They follow the `patchMergeKey` / `listType=map` + `listMapKey` tags of
 * `k8s.io/api` (core/v1/types.go: `Container.Ports` by containerPort+protocol, `PodSpec.Containers` by name,
 * `ServiceSpec.Ports` by port+protocol, ...; admissionregistration/v1/types.go: `webhooks` by name;
 * apiextensions-apiserver `CustomResourceDefinitionSpec.Versions` by name) and `metav1.ObjectMeta.Finalizers`
 * (`listType=set`). A list not named here is atomic, as the server treats unmarked lists.
 */
const NO_DEFAULTS: Readonly<Record<string, string>> = {};
/** `protocol` is part of the ports' merge key and defaults to TCP (core/v1 defaults.go, SetDefaults_ContainerPort / ServicePort). */
const TCP_DEFAULT: Readonly<Record<string, string>> = { protocol: 'TCP' };

function keyed(keys: readonly string[], defaults = NO_DEFAULTS): ListStrategy {
  return { type: 'keyed', keys, defaults };
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Lists keyed the same wherever they appear (pod specs inside any workload, CronJob templates, ...). */
const KEYED_BY_FIELD: Readonly<Record<string, ListStrategy>> = {
  containers: keyed(['name']),
  initContainers: keyed(['name']),
  ephemeralContainers: keyed(['name']),
  env: keyed(['name']),
  volumes: keyed(['name']),
  volumeMounts: keyed(['mountPath']),
  volumeDevices: keyed(['devicePath']),
  imagePullSecrets: keyed(['name']),
  hostAliases: keyed(['ip']),
  resourceClaims: keyed(['name']),
  readinessGates: keyed(['conditionType']),
  topologySpreadConstraints: keyed(['topologyKey', 'whenUnsatisfiable']),
};

const SET: ListStrategy = { type: 'set' };
const BY_NAME = keyed(['name']);
const CONTAINER_PORTS = keyed(['containerPort', 'protocol'], TCP_DEFAULT);
const SERVICE_PORTS = keyed(['port', 'protocol'], TCP_DEFAULT);

/**
 * The merge rule of the built-in types for the list at `names` (field names, list steps left out) inside an object of
 * `group`/`kind`; undefined when none applies.
 */
export function builtInListStrategy(group: string, kind: string, names: readonly string[]): ListStrategy | undefined {
  const field = names[names.length - 1];
  const parent = names[names.length - 2];
  if (field === undefined) return undefined;
  if (field === 'finalizers' && parent === 'metadata') return SET;
  if (field === 'ports') return portsStrategy(group, kind, names, parent);
  if (field === 'webhooks' && group === 'admissionregistration.k8s.io' && names.length === 1) return BY_NAME;
  if (field === 'secrets' && group === '' && kind === 'ServiceAccount' && names.length === 1) return BY_NAME;
  if (field === 'versions' && group === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition') return BY_NAME;
  return KEYED_BY_FIELD[field];
}

function portsStrategy(
  group: string,
  kind: string,
  names: readonly string[],
  parent: string | undefined,
): ListStrategy | undefined {
  if (parent !== undefined && CONTAINER_LISTS.has(parent)) return CONTAINER_PORTS;
  if (group === '' && kind === 'Service' && names.length === 2 && parent === 'spec') return SERVICE_PORTS;
  return undefined;
}
