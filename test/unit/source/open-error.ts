import { SourceError, openSource } from '../../../lib/source/open.ts';

/** The SourceError that opening `location` fails with; anything else fails the test. */
export async function openError(
  location: string,
  options: Parameters<typeof openSource>[1] = {},
): Promise<SourceError> {
  const error: unknown = await openSource(location, options).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof SourceError)) throw new Error(`expected a SourceError, got ${String(error)}`);
  return error;
}
