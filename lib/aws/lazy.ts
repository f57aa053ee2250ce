/**
 * A client made on first use and the same one after that. Handlers keep theirs at module level, so a warm Lambda
 * reuses its connections instead of opening new sockets on every invocation.
 */
export function lazily<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
