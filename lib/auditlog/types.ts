import type { Finding } from '../checks/index.ts';
import type { DriftEntry } from '../diff/drift.ts';
import type { Change } from '../diff/object.ts';

/**
 * Kubernetes audit events (audit.k8s.io/v1), reduced to what attribution needs: who, what, when. Request and
 * response bodies are never read into these types, so they cannot reach a report.
 */

/** The object an event is about, as the API server records it (plural resource, not kind). */
export interface AuditObjectRef {
  group: string;
  resource: string;
  namespace?: string;
  name: string;
  subresource?: string;
}

export interface AuditUser {
  username: string;
  uid?: string;
  groups?: string[];
}

/** One write that completed: the metadata of a `ResponseComplete` event. */
export interface AuditEvent {
  auditId: string;
  verb: string;
  objectRef: AuditObjectRef;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  /** The `fieldManager` the request named in its URI (kubectl's commands do: `kubectl-edit`, `kubectl-set`). */
  fieldManager?: string;
  code: number;
  /** Epoch milliseconds. */
  receivedMs: number;
  completedMs: number;
  /** ISO 8601 with microseconds, as logged (stageTimestamp). */
  time: string;
}

/** Who made a change, from the audit event that made it. */
export interface Actor {
  /** The user the request acted as: the impersonated user when impersonation was used. */
  username: string;
  groups?: string[];
  uid?: string;
  /** The authenticated user who impersonated `username`. */
  impersonatedBy?: string;
  sourceIPs?: string[];
  userAgent?: string;
  verb: string;
  /** When the write completed (the event's stageTimestamp). */
  time: string;
  auditId: string;
}

/** A drifted field with who made that write, from the cluster's audit log (the diff leaves `actor` to this folder). */
export type AttributedChange = Change & { actor?: Actor };

/** A drift entry with its changes attributed, and who created an extra object or deleted a missing one. */
export type AttributedDriftEntry = Omit<DriftEntry, 'changes'> & { changes?: AttributedChange[]; actor?: Actor };

/** A finding with who created its object (hand-made-object findings), from the cluster's audit log. */
export type AttributedFinding = Finding & { actor?: Actor };

/** What the report says about the audit log: where it came from and what it gave. */
export type AuditLogSummary =
  | { source: 'not configured' }
  | {
      source: string;
      /** Completed writes read from the log. */
      events: number;
      /** Changes and entries attributed to a person. */
      matched: number;
      /** Changes and entries for which no event was found. */
      unmatched: number;
      /** Lines that were not audit events (skipped). */
      malformed?: number;
      /** Why nothing could be matched, when nothing was read (`no events in window`) or reading failed. */
      reason?: string;
    };

/** The events read from one source, with what was skipped. */
export interface AuditLogRead {
  events: AuditEvent[];
  /** Lines that were not JSON audit events. */
  malformed: number;
  /** Events that were not completed 2xx writes (reads, failures, other stages). */
  skipped: number;
  /** Set when the source stopped before the end of the window (a bound on what one audit reads), saying where. */
  truncated?: string;
}

/** What the attribution looks for: a source may read only these objects' events, and only since `since`. */
export interface AuditLogRequest {
  objects: AuditObjectRef[];
  /** The oldest time in question (the earliest managedFields time, less the tolerance); absent: the source's own bound. */
  since?: Date;
}

/** Where the audit log of a cluster comes from (local files, CloudWatch Logs). */
export interface AuditLogSource {
  /** What the report names as the source (file names, a log group); never credentials. */
  describe: string;
  read(request: AuditLogRequest): Promise<AuditLogRead>;
}
