import { matchesPattern } from '../io/glob.ts';
import { CONTROL_PLANE_MANAGERS } from '../kube/builtin.ts';
import type { Owner } from './ownership.ts';

/** A field manager whose writes are not hand-made changes: an applier of Git, or a built-in controller. */
export interface TrustedManager {
  /** Manager name, glob allowed (`flux-*`, lib/io/glob.ts). */
  manager: string;
  /** When set, only writes through this operation are trusted (`kubectl` is an applier only through `Apply`). */
  operation?: 'Apply' | 'Update';
}

export const DEFAULT_TRUSTED_MANAGERS: readonly TrustedManager[] = [
  // Appliers of declared state.
  { manager: 'kubectl-client-side-apply' },
  { manager: 'kubectl', operation: 'Apply' },
  { manager: 'before-first-apply' },
  { manager: 'argocd-controller' },
  { manager: 'argocd' },
  { manager: 'argocd-application-controller' },
  { manager: 'kustomize-controller' },
  { manager: 'helm-controller' },
  { manager: 'helm' },
  { manager: 'kapp' },
  // Built-in control plane (lib/kube/builtin.ts: the one list, which also says when an extra object is the cluster's own).
  ...[...CONTROL_PLANE_MANAGERS].map((manager) => ({ manager })),
];

export type TrustPolicy = (owner: Owner) => boolean;

export function trustPolicy(trusted: readonly TrustedManager[] = DEFAULT_TRUSTED_MANAGERS): TrustPolicy {
  return (owner) =>
    trusted.some(
      (entry) =>
        matchesPattern(owner.manager, entry.manager) &&
        (entry.operation === undefined || entry.operation === owner.operation),
    );
}
