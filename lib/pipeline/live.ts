import type { ServedCapabilities } from '../cluster/capabilities.ts';
import type { GroupKind } from '../kube/kinds.ts';
import type { EksTarget } from '../cluster/eks.ts';
import type { KubeconfigSource } from '../cluster/kubeconfig.ts';
import type { ReadClusterOptions } from '../cluster/live.ts';
import { readSnapshot } from '../cluster/snapshot.ts';
import type { LiveState } from '../cluster/types.ts';
import type { EksAccess, KubeconfigSecretAccess, SnapshotAccess } from '../config/types.ts';
import type { LiveNeeds } from './audit-cluster.ts';

/** Every way to reach a cluster's live state; the local CLI may leave the kubeconfig path to KUBECONFIG. */
export type LiveAccess =
  | SnapshotAccess
  | { type: 'kubeconfig'; path?: string; context?: string }
  | KubeconfigSecretAccess
  | EksAccess;

export interface LiveStateDeps {
  /** Needed for `kubeconfigSecret` access. */
  secrets?: { read: (secretId: string) => Promise<string> };
  /** Needed for `eks` access. */
  eks?: { kubeconfig: (target: EksTarget) => Promise<string> };
  /** Per API request; the reader's default when absent. */
  timeoutMs?: number;
  onProgress?: (line: string) => void;
}

/**
 * Reads the live state of these kinds (in these namespaces) through whichever access the cluster has. A snapshot
 * holds what it holds; of that it keeps in memory what `needs` says the audit reads.
 */
export async function readLiveState(
  access: LiveAccess,
  kinds: readonly GroupKind[],
  namespaces: readonly string[] | undefined,
  deps: LiveStateDeps = {},
  needs?: LiveNeeds,
): Promise<LiveState> {
  if (access.type === 'snapshot') return readSnapshot(access.path, needs ? { reduce: needs } : {});
  const kubeconfig = await kubeconfigFor(access, deps);
  // The Kubernetes client loads only for a cluster read: a snapshot audit never needs it.
  const { readCluster } = await import('../cluster/live.ts');
  return readCluster({ ...kubeconfig, ...readScope(kinds, namespaces, deps) });
}

/** What the cluster serves, for rendering Helm charts as they would install there; none for a snapshot. */
export async function readLiveCapabilities(
  access: LiveAccess,
  deps: LiveStateDeps = {},
): Promise<ServedCapabilities | undefined> {
  if (access.type === 'snapshot') return undefined;
  const kubeconfig = await kubeconfigFor(access, deps);
  const [{ readCapabilities }, { DEFAULT_TIMEOUT_MS }] = await Promise.all([
    import('../cluster/capabilities.ts'),
    import('../cluster/live.ts'),
  ]);
  return readCapabilities({ ...kubeconfig, timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS });
}

function readScope(
  kinds: readonly GroupKind[],
  namespaces: readonly string[] | undefined,
  deps: LiveStateDeps,
): Omit<ReadClusterOptions, keyof KubeconfigSource> {
  return {
    kinds: [...kinds],
    ...(namespaces ? { namespaces: [...namespaces] } : {}),
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
  };
}

async function kubeconfigFor(
  access: Exclude<LiveAccess, SnapshotAccess>,
  deps: LiveStateDeps,
): Promise<KubeconfigSource> {
  const context = access.type !== 'eks' && access.context ? { context: access.context } : {};
  if (access.type === 'kubeconfig') return { ...(access.path ? { kubeconfigPath: access.path } : {}), ...context };
  if (access.type === 'kubeconfigSecret') {
    if (!deps.secrets)
      throw new Error(`the kubeconfig in secret ${access.secretId} cannot be read here: no secrets reader`);
    return { kubeconfigYaml: await deps.secrets.read(access.secretId), ...context };
  }
  if (!deps.eks) throw new Error(`EKS cluster ${access.name} cannot be reached here: no EKS access`);
  const target: EksTarget = {
    name: access.name,
    region: access.region,
    ...(access.roleArn ? { roleArn: access.roleArn } : {}),
  };
  return { kubeconfigYaml: await deps.eks.kubeconfig(target) };
}
