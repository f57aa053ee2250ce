import { Ajv } from 'ajv';
import { isPlainObject } from '../kube/object.ts';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schemaJson from './driftwatch.schema.json' with { type: 'json' };
import type { PendingIssue } from './issues.ts';
import type { RawConfig } from './raw.ts';
import { listOf, pointerSegments, TYPE_WORDS, typeWords } from '../io/schema-problem.ts';

/** The JSON Schema of driftwatch.yaml (draft-07, the draft editors support best). */
export const configSchema: Readonly<Record<string, unknown>> = schemaJson;

export type SchemaResult = { ok: true; config: RawConfig } | { ok: false; issues: PendingIssue[] };

let compiled: ValidateFunction<RawConfig> | undefined;

function validator(): ValidateFunction<RawConfig> {
  // Compiled on first use: commands that never read a config don't pay for it.
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile<RawConfig>(configSchema);
  return compiled;
}

export function validateAgainstSchema(document: unknown): SchemaResult {
  const validate = validator();
  if (validate(document)) return { ok: true, config: document };
  return { ok: false, issues: withoutNoise(validate.errors ?? []).map(toIssue) };
}

/**
 * Drops errors that say the same thing less clearly: the sub-errors of a failed oneOf/anyOf (its own error is
 * rewritten as one message), and anything else about a value whose type is already wrong.
 */
function withoutNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf');
  const wrongType = new Set(errors.filter((error) => error.keyword === 'type').map((error) => error.instancePath));
  return errors.filter(
    (error) =>
      !combinators.some((combinator) => error.schemaPath.startsWith(`${combinator.schemaPath}/`)) &&
      (error.keyword === 'type' || !wrongType.has(error.instancePath)),
  );
}

function toIssue(error: ErrorObject): PendingIssue {
  const at = pointerSegments(error.instancePath);
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required':
      return { at: [...at, String(params['missingProperty'])], message: 'required' };
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      return { at, lineAt: [...at, field], message: `unknown field ${JSON.stringify(field)}` };
    }
    default:
      return { at, message: messageOf(error, params) };
  }
}

/** Readable messages that describe the expectation, never the offending value (it may be a secret). */
function messageOf(error: ErrorObject, params: Record<string, unknown>): string {
  switch (error.keyword) {
    case 'enum':
      return `must be one of: ${listOf(params['allowedValues'])}`;
    case 'type':
      return `must be ${typeName(params['type'])}`;
    case 'pattern':
      return `must match ${String(params['pattern'])}`;
    case 'minItems':
      return params['limit'] === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} items`;
    case 'minLength':
      return params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters`;
    case 'minimum':
      return `must be at least ${String(params['limit'])}`;
    case 'oneOf':
      return `give exactly one of ${listOf(branchKeys(error.schemaPath))}`;
    case 'anyOf':
      return `give at least one of ${listOf(branchKeys(error.schemaPath))}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** A config file is YAML: its objects are mappings. */
const TYPE_NAMES: Readonly<Record<string, string>> = { ...TYPE_WORDS, object: 'a mapping' };

function typeName(type: unknown): string {
  return typeWords(type, TYPE_NAMES);
}

/** The key each branch of a oneOf/anyOf requires (`{ required: ['snapshot'] }` → `snapshot`), from the schema itself. */
function branchKeys(schemaPath: string): string[] {
  const branches = schemaNodeAt(schemaPath);
  if (!isList(branches)) return [];
  return branches.flatMap((branch) => {
    const required: unknown = isPlainObject(branch) ? branch['required'] : undefined;
    return isList(required) ? required.map(String) : [];
  });
}

function schemaNodeAt(schemaPath: string): unknown {
  let node: unknown = configSchema;
  for (const segment of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (segment === '') continue;
    if (isList(node)) node = node[Number(segment)];
    else node = isPlainObject(node) ? node[segment.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  }
  return node;
}

/** Array.isArray without the `any[]` it narrows to. */
function isList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}
