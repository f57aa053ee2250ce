/**
 * The one glob of driftwatch.yaml, the same in every section (ignore rules, trusted managers, exemptions, the RBAC
 * allow-list) and for the checks' own name lists: a pattern matches a whole value; `*` is any run of characters,
 * empty included, `/` and `:` included (subjects `serviceaccount:ns/name` and image references hold both); `?` is
 * exactly one character; every other character stands for itself (no `[...]`, `{a,b}`, `!` or `\` escapes), case
 * counts. So `*` matches a cluster-scoped object's empty namespace, and `''` matches only the empty value.
 * (path.matchesGlob, which ignore rules and trusted managers used before, is a file-path glob: its `*` stops at `/`
 * and matches neither an empty value nor a leading `.`.)
 */
export function matchesPattern(value: string, pattern: string): boolean {
  return patternRegExp(pattern).test(value);
}

/** Each pattern is compiled once: the patterns come from the config, and the walk asks about every object. */
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
