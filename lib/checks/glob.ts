/**
 * Shell-style match on whole strings: `*` is any run of characters (including `/` and `:`, unlike
 * path.matchesGlob, since subjects and image names contain both), `?` is one character.
 */
export function matchesPattern(value: string, pattern: string): boolean {
  return patternRegExp(pattern).test(value);
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

const compiled = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    const body = [...pattern]
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regexp = new RegExp(`^${body}$`, 's');
    compiled.set(pattern, regexp);
  }
  return regexp;
}
