/**
 * A source could not be opened as a whole: not found, unreadable, unsupported, over a limit, refused by the server.
 * Messages name the location without credentials or query string, never a token.
 */
export class SourceError extends Error {
  override name = 'SourceError';
}
