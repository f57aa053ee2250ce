/** The message to show for an error: our own errors are already written for people; anything else gets its message only, never a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
