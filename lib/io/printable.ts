/**
 * C0 and C1 control characters, DEL, and the Unicode bidirectional overrides: in a terminal or a rendered page they
 * can clear the screen, move the cursor, overwrite a line or reorder text, so a hostile file name or object field
 * could forge what the reader sees (`driftwatch: all good`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's purpose
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** The text with every control character written as a visible escape (`\e`, `\r`, `\u0007`). */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (character) => NAMED[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Every string (and key) of a JSON value through printable: what human-readable renderers show. */
export function printableValue(value: unknown): unknown {
  if (typeof value === 'string') return printable(value);
  if (Array.isArray(value)) return value.map(printableValue);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [printable(key), printableValue(item)]));
  return value;
}
