/**
 * Nesting limit of declared and live JSON: the same as the YAML parser's (js-yaml's maxDepth), so a manifest is
 * refused or read the same way whichever syntax it is written in. Deeper input would overflow the stack of every
 * recursive step after parsing (diff, clone, render) far from the file that caused it.
 */
export const MAX_JSON_DEPTH = 100;

/** Stored reports hold declared and live values (at most MAX_JSON_DEPTH deep) a few levels down. */
export const MAX_REPORT_DEPTH = MAX_JSON_DEPTH + 28;

/**
 * True when the JSON text nests objects and arrays deeper than `maxDepth`; a scan of the text, before any parse.
 * The scan jumps from one structural character to the next with a regular expression and over strings with
 * indexOf (both native), since it reads every byte of snapshots of tens of megabytes.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  const structural = /["[\]{}]/g;
  let depth = 0;
  for (let match = structural.exec(text); match !== null; match = structural.exec(text)) {
    const code = text.charCodeAt(match.index);
    if (code === 0x22) {
      const end = stringEnd(text, match.index);
      if (end < 0) return false;
      structural.lastIndex = end + 1;
    } else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > maxDepth) return true;
    } else depth--;
  }
  return false;
}

/** The index of the quote that closes the string opened at `open`: one after an even run of backslashes; -1 if none. */
function stringEnd(text: string, open: number): number {
  for (let end = text.indexOf('"', open + 1); end >= 0; end = text.indexOf('"', end + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
  return -1;
}

/** The words every refusal uses. */
export function tooDeepReason(maxDepth: number): string {
  return `nested deeper than ${maxDepth} levels`;
}
