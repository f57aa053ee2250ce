import { matchesGlob } from 'node:path';
import type { ObjectRef } from '../kube/object.ts';
import type { Path } from './path.ts';
import { pointerSegments, toPointer } from './path.ts';

/** Leaves matching objects (or only the given paths of them) out of the audit. Globs on every name part. */
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
  return matchesGlob(value ?? '', pattern);
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

/** A predicate over paths of one object: a rule's pointer matches the path itself or any of its ancestors. */
export function pathIgnorer(rules: readonly IgnoreRule[], ref: ObjectRef, extraPointers: readonly string[] = []): (path: Path) => boolean {
  const patterns = [
    ...rules.filter((rule) => rule.paths && ruleMatchesObject(rule, ref)).flatMap((rule) => rule.paths ?? []),
    ...extraPointers,
  ].map(pointerSegments);
  if (patterns.length === 0) return () => false;
  return (path) => {
    const segments = pointerSegments(toPointer(path));
    return patterns.some(
      (pattern) => pattern.length <= segments.length && pattern.every((part, index) => part === '*' || part === segments[index]),
    );
  };
}
