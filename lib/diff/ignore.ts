import { matchesPattern } from '../io/glob.ts';
import type { ObjectRef } from '../kube/object.ts';
import type { Path } from './path.ts';
import { pointerSegments, segmentText } from './path.ts';

/** Leaves matching objects (or only the given paths of them) out of the audit. Globs (lib/io/glob.ts) on every name part; an absent namespace or the core group is `''`. */
export interface IgnoreRule {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  /** JSON pointers; `*` matches one segment (`/spec/template/spec/containers/*\/image`). Absent: the whole object. */
  paths?: string[];
}

function globMatch(value: string | undefined, pattern: string | undefined): boolean {
  if (pattern === undefined) return true;
  return matchesPattern(value ?? '', pattern);
}

export function ruleMatchesObject(rule: IgnoreRule, ref: ObjectRef): boolean {
  return (
    globMatch(ref.group, rule.group) &&
    globMatch(ref.kind, rule.kind) &&
    globMatch(ref.namespace, rule.namespace) &&
    globMatch(ref.name, rule.name)
  );
}

/** True when the rules leave the whole object out. */
export function isObjectIgnored(rules: readonly IgnoreRule[], ref: ObjectRef): boolean {
  return rules.some((rule) => rule.paths === undefined && ruleMatchesObject(rule, ref));
}

/** Pointer patterns split into segments once per rule: the walk asks about every path it visits. */
const COMPILED = new WeakMap<IgnoreRule, readonly (readonly string[])[]>();

function compiledPaths(rule: IgnoreRule): readonly (readonly string[])[] {
  let compiled = COMPILED.get(rule);
  if (!compiled) {
    compiled = (rule.paths ?? []).map(pointerSegments);
    COMPILED.set(rule, compiled);
  }
  return compiled;
}

/** A predicate over paths of one object: a rule's pointer matches the path itself or any of its ancestors. */
export function pathIgnorer(
  rules: readonly IgnoreRule[],
  ref: ObjectRef,
  extraPointers: readonly string[] = [],
): (path: Path) => boolean {
  const patterns = [
    ...rules.filter((rule) => rule.paths && ruleMatchesObject(rule, ref)).flatMap(compiledPaths),
    ...extraPointers.map(pointerSegments),
  ];
  if (patterns.length === 0) return () => false;
  // Segments compare as text, unescaped (what pointerSegments gives back), without writing the pointer out.
  return (path) =>
    patterns.some(
      (pattern) =>
        pattern.length <= path.length &&
        pattern.every((part, index) => part === '*' || part === segmentAt(path, index)),
    );
}

function segmentAt(path: Path, index: number): string | undefined {
  const segment = path[index];
  return segment === undefined ? undefined : segmentText(segment);
}
