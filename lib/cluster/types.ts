import type { GroupKind } from '../kube/kinds.ts';
import type { KubeObject } from '../kube/object.ts';

/** What one LIST of one resource type gave, so that a failed list never reads as "no drift". */
export interface ListOutcome extends GroupKind {
  version: string;
  resource: string;
  /** Namespace listed, absent for a cluster-wide list. */
  namespace?: string;
  status: 'listed' | 'forbidden' | 'failed';
  /** Objects returned (when listed). */
  count: number;
  /** Why it failed or was forbidden; never contains credentials. */
  error?: string;
}

/** When the live state was observed, for a snapshot: its captured-at annotation, or the newest time it holds. */
export interface LiveClock {
  source: 'annotation' | 'snapshot';
  /** ISO 8601 UTC. */
  at: string;
}

export interface LiveState {
  /** Where the live state came from: a snapshot file path or `kubeconfig:<context>` / a server URL. */
  origin: string;
  objects: KubeObject[];
  lists: ListOutcome[];
  /** True when every list in scope succeeded. */
  complete: boolean;
  /** Kinds known to be cluster-scoped from discovery (`group/Kind`); empty for snapshots. */
  clusterScopedKinds: string[];
  /**
   * For a snapshot: the kinds it holds (`group/Kind`), plus those its List says it captured. A declared object of
   * another kind is unverified, not missing: the snapshot simply did not include that kind.
   */
  listedKinds?: string[];
  /** A snapshot's own clock; absent for a cluster read now (and a snapshot holding no time): the wall clock applies. */
  clock?: LiveClock;
  /** Objects read with a problem that cost them something (attribution), each naming the object; the audit goes on. */
  warnings?: string[];
  /** A fatal error that stopped reading (e.g. API server unreachable): the report is then incomplete. */
  error?: string;
}
