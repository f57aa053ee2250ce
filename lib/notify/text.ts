/** Cutting plain text to a length without splitting a character. */

/** The first `length` UTF-16 units, less one if that would split a surrogate pair (an emoji, say). */
export function sliceWhole(text: string, length: number): string {
  if (length <= 0) return '';
  const code = text.charCodeAt(length - 1);
  const splitsPair = code >= 0xd800 && code <= 0xdbff;
  return text.slice(0, splitsPair ? length - 1 : length);
}

/** At most `max` characters, ending with `ellipsis` when cut. */
export function clampPlain(text: string, max: number, ellipsis = '…'): string {
  return text.length <= max ? text : `${sliceWhole(text, max - ellipsis.length)}${ellipsis}`;
}
