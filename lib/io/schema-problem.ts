import type { ErrorObject } from 'ajv';
import { printable } from './printable.ts';

/*
 * One ajv error of a JSON document (a stored report, a queue message) in words for a log line or a report field: where
 * in the document, then what is wrong (`drift[3].kind: must be a string`). It names fields, never a value of the
 * document (a value may be a secret or just long).
 */

/** What each JSON Schema type is called in an error (a YAML document may call an object something else). */
export const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** Longest field name quoted in a problem: a key of a hostile document can be any length. */
const MAX_NAME = 80;

/**
 * The errors of one failed validation (ajv with `allErrors: false`) as one problem. Ajv stops at the first failure,
 * so there is one error, except under an `anyOf`, whose own error comes after those of its branches: the last error
 * is the one to tell, and a value of none of the branches' types says which types would do.
 */
export function schemaProblem(errors: readonly ErrorObject[]): string {
  const error = errors.at(-1);
  if (!error) return 'not valid';
  if (error.keyword === 'anyOf') {
    const types = errors
      .filter((branch) => branch.keyword === 'type' && branch.instancePath === error.instancePath)
      .map((branch) => branch.params['type']);
    if (types.length > 0) return located(pointerSegments(error.instancePath), `must be ${typeWords(types.flat())}`);
  }
  return problemOf(error);
}

/** `drift[3].kind: must be a string`; a missing field is named itself (`drift[0].apiVersion: required`). */
function problemOf(error: ErrorObject): string {
  const at = pointerSegments(error.instancePath);
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required':
      return located([...at, String(params['missingProperty'])], 'required');
    case 'additionalProperties':
      return located(at, `unknown field ${quoted(String(params['additionalProperty']))}`);
    case 'type':
      return located(at, `must be ${typeWords(params['type'])}`);
    case 'enum':
      return located(at, `must be one of: ${listOf(params['allowedValues'])}`);
    case 'const':
      return located(at, `must be ${JSON.stringify(params['allowedValue'])}`);
    case 'pattern':
      return located(at, `must match ${String(params['pattern'])}`);
    case 'minLength':
      return located(
        at,
        params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters`,
      );
    case 'minimum':
      return located(at, `must be at least ${String(params['limit'])}`);
    default:
      return located(at, error.message ?? 'is not valid');
  }
}

/** `['drift', 3, 'kind']` → `drift[3].kind`; odd keys quoted (`versions["a.b"]`). */
export function formatPath(segments: readonly (string | number)[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (!/^[A-Za-z_$][\w$-]*$/.test(segment)) text += `[${quoted(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

function located(at: readonly (string | number)[], message: string): string {
  return at.length === 0 ? message : `${formatPath(at)}: ${message}`;
}

/** `/drift/3/kind` → `['drift', 3, 'kind']` (JSON pointer escapes undone; array indexes as numbers). */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** `['string', 'null']` → `a string or null`. */
export function typeWords(type: unknown, words: Readonly<Record<string, string>> = TYPE_WORDS): string {
  const types = Array.isArray(type) ? type.map(String) : [String(type)];
  return types.map((name) => words[name] ?? name).join(' or ');
}

/** An enum's values as `a, b, c`. */
export function listOf(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => String(value)).join(', ') : String(values);
}

/** A field name of the document as a JSON string, shortened; what JSON leaves as it is (bidi overrides) escaped too. */
function quoted(name: string): string {
  return printable(JSON.stringify(name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name));
}
