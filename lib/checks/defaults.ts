import type { ChecksConfig } from './options.ts';

/**
 * Subjects that may hold cluster-admin or wildcard roles without a finding. A wildcard here never covers the
 * catch-all identities (see subjects.ts): `system:*` must not silently allow `system:anonymous`.
 */
export const DEFAULT_ALLOWED_SUBJECTS: readonly string[] = [
  'user:system:*',
  'group:system:*',
  'group:system:masters',
  'serviceaccount:kube-system/*',
];

export const DEFAULT_CHECKS_CONFIG: Readonly<ChecksConfig> = {
  enabled: true,
  disable: [],
  severity: {},
  podRestarts: { threshold: 5 },
  podPending: { minutes: 10 },
  events: { windowMinutes: 60 },
  csrPending: { minutes: 60 },
  imagesWithoutDigest: false,
  rbac: { allowSubjects: [...DEFAULT_ALLOWED_SUBJECTS] },
  allowSelfExemption: false,
};

/** The self-exemption annotation: a comma-separated list of check ids (globs allowed). */
export const EXEMPT_ANNOTATION = 'driftwatch.io/exempt';
