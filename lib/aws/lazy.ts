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

/**
 * The same for something loaded asynchronously (a handler's engine, imported at its first invocation), except that a
 * load that fails is forgotten: the next invocation tries again, as a fresh Lambda init would, instead of failing
 * every batch of a warm environment with the first error.
 */
export function lazilyLoaded<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
