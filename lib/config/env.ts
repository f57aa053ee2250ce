import type { PathSegment, PendingIssue } from './issues.ts';
import { isPlainObject } from '../kube/object.ts';

const REFERENCE = /\$\{env:([^}]*)\}/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export interface Interpolated {
  value: unknown;
  issues: PendingIssue[];
}

/**
 * Expands `${env:NAME}` and `${env:NAME:-default}` in every string value of the parsed YAML (never in keys).
 * Working on parsed values means a variable cannot inject YAML structure. Issues name the variable, never a value.
 */
export function interpolateEnv(document: unknown, env: Record<string, string | undefined>): Interpolated {
  const issues: PendingIssue[] = [];
  const value = expandValue(document, [], env, issues);
  return { value, issues };
}

function expandValue(
  value: unknown,
  at: readonly PathSegment[],
  env: Record<string, string | undefined>,
  issues: PendingIssue[],
): unknown {
  if (typeof value === 'string') return expandString(value, at, env, issues);
  if (Array.isArray(value)) return value.map((item: unknown, index) => expandValue(item, [...at, index], env, issues));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, expandValue(item, [...at, key], env, issues)]),
  );
}

function expandString(
  text: string,
  at: readonly PathSegment[],
  env: Record<string, string | undefined>,
  issues: PendingIssue[],
): string {
  return text.replace(REFERENCE, (reference, inner: string) => {
    const match = NAME_AND_DEFAULT.exec(inner);
    if (match === null) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the config file's own `${env:NAME}` syntax
      issues.push({ at, message: 'invalid environment reference: write ${env:NAME} or ${env:NAME:-default}' });
      return reference;
    }
    const [, name = '', fallback] = match;
    const value = env[name];
    // Shell semantics: `:-` also replaces an empty value.
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value !== undefined) return value;
    issues.push({ at, message: `environment variable ${name} is not set` });
    return reference;
  });
}
