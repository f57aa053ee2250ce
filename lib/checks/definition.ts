import type { GroupKind } from '../kube/kinds.ts';
import type { ChecksConfig } from './options.ts';
import type { CheckContext } from './context.ts';
import type { CheckFinding } from './finding.ts';
import type { Severity } from './severity.ts';

/** What the catalogue, the config and lib/checks/README.md say about a check. */
export interface CheckInfo<Id extends string = string> {
  /** A contract (config `disable`/`severity`, exemptions, report consumers): never rename one, add a new id instead. */
  id: Id;
  /** Default severity; `checks.severity` overrides it. */
  severity: Severity;
  title: string;
  /** When it fires, one line of markdown for lib/checks/README.md's table. */
  firesOn: string;
  /** For a check that stays off unless its own config switch turns it on: that switch. */
  optIn?: (config: ChecksConfig) => boolean;
}

/** A check run on the live objects (and declared pod templates) by runChecks. */
export interface CheckDefinition<Id extends string = string> extends CheckInfo<Id> {
  /** Live kinds it reads: the audit lists the union of these besides the declared kinds. */
  reads: readonly GroupKind[];
  /** Its findings, and only findings of its own id, at its default severity. */
  run: (context: CheckContext) => CheckFinding[];
}

export const POD: GroupKind = { group: '', kind: 'Pod' };
export const NODE: GroupKind = { group: '', kind: 'Node' };
// Core Events only: events.k8s.io serves the same objects (event-records.ts reads both, counting each event once).
export const EVENT: GroupKind = { group: '', kind: 'Event' };
