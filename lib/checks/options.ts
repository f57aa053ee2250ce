import type { Severity } from './severity.ts';

/** Cluster checks (lib/checks): which run, how severe, and their thresholds. */
export interface ChecksConfig {
  /** False switches every check off. */
  enabled: boolean;
  /** Check ids switched off. */
  disable: string[];
  /** Severity per check id, replacing the check's default. */
  severity: Record<string, Severity>;
  podRestarts: { threshold: number };
  podPending: { minutes: number };
  events: { windowMinutes: number };
  csrPending: { minutes: number };
  /** Turns on the opt-in `images-without-digest` check. */
  imagesWithoutDigest: boolean;
  /** The built-in allowed subjects followed by the config's additions (`user:x`, `group:x`, `serviceaccount:ns/x`, globs). */
  rbac: { allowSubjects: string[] };
  /** Honour the `driftwatch.io/exempt` annotation on objects. */
  allowSelfExemption: boolean;
}

/** Accepts matching findings until it expires; check, kind, namespace and name are globs. */
export interface ExemptionConfig {
  check: string;
  kind?: string;
  namespace?: string;
  name?: string;
  reason: string;
  owner: string;
  /** Last day the exemption applies, `YYYY-MM-DD` (UTC). */
  expires: string;
}
