/** A file-system error in a few words, from its code only: the message may quote paths or content. */
export function describeFsError(error: unknown): string {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return typeof code === 'string' ? code : 'read error';
}
