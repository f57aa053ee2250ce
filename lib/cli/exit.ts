import { SEVERITIES } from '../checks/index.ts';

/** kubectl-style exit codes. */
export const EXIT = {
  clean: 0,
  drift: 1,
  error: 2,
  /** Some resource types could not be read and nothing drifted in the rest: not a clean bill. */
  incomplete: 3,
} as const;

/** What `--fail-on` accepts: the drift statuses, an incomplete scan, a finding severity, or none. */
export const FAIL_ON_VALUES = ['drift', 'modified', 'missing', 'extra', 'incomplete', 'none', ...SEVERITIES] as const;
export type FailOn = (typeof FAIL_ON_VALUES)[number];
