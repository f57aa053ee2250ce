/** A step into a JSON value: a map field, a list index, or a list item chosen by its merge key. */
export type PathSegment = { field: string } | { index: number } | { key: Record<string, string | number | boolean> };

export type Path = readonly PathSegment[];

/** `name=web`, or `containerPort=80,protocol=TCP` for composite keys. */
export function keySegmentText(key: Record<string, string | number | boolean>): string {
  return Object.entries(key)
    .map(([field, value]) => `${field}=${String(value)}`)
    .join(',');
}

/** A segment as written in a pointer, before escaping: the field, the index, or the key (`name=web`). */
export function segmentText(segment: PathSegment): string {
  if ('field' in segment) return segment.field;
  if ('index' in segment) return String(segment.index);
  return keySegmentText(segment.key);
}

/** RFC 6901 JSON pointer, with list items written by index or by a key segment such as `name=web`. */
export function toPointer(path: Path): string {
  return path.map((segment) => `/${segmentText(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Splits a JSON pointer into unescaped segments (`/a~1b/c` → `['a/b', 'c']`). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The field names along a path, list steps left out: `spec.template.spec.containers.image`. */
export function fieldNames(path: Path): string[] {
  const names: string[] = [];
  for (const segment of path) if ('field' in segment) names.push(segment.field);
  return names;
}

export function lastField(path: Path): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (segment && 'field' in segment) return segment.field;
  }
  return undefined;
}

/**
 * A place in an object, as the field rules see it: the path, and the field names along it (list steps left out,
 * what `fieldNames(path)` gives). The walk keeps both up to date as it goes, so no rule recomputes the names; a
 * place is only valid during the call it is passed to (the walk reuses it).
 */
export interface FieldPlace {
  readonly path: Path;
  readonly names: readonly string[];
}

/** The place of a path, names computed (for callers outside the walk). */
export function placeOf(path: Path): FieldPlace {
  return { path, names: fieldNames(path) };
}
