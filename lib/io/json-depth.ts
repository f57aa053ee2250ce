/**
 * Nesting limit of declared and live JSON: the same as the YAML parser's (js-yaml's maxDepth), so a manifest is
 * refused or read the same way whichever syntax it is written in. Deeper input would overflow the stack of every
 * recursive step after parsing (diff, clone, render) far from the file that caused it.
 */
export const MAX_JSON_DEPTH = 100;

/** Stored reports hold declared and live values (at most MAX_JSON_DEPTH deep) a few levels down. */
export const MAX_REPORT_DEPTH = MAX_JSON_DEPTH + 28;

/** True when the JSON text nests objects and arrays deeper than `maxDepth`; a scan of the text, before any parse. */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // backslash: the next character is escaped
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > maxDepth) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

/** The words every refusal uses. */
export function tooDeepReason(maxDepth: number): string {
  return `nested deeper than ${maxDepth} levels`;
}
