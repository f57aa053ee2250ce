/** kubectl-style exit codes. */
export const EXIT = {
  clean: 0,
  drift: 1,
  error: 2,
  /** Some resource types could not be read and nothing drifted in the rest: not a clean bill. */
  incomplete: 3,
} as const;
