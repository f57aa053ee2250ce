import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../lib/config/load.ts';

const SCHEMA_FILE = new URL('../../../lib/config/driftwatch.schema.json', import.meta.url);

interface SchemaNode {
  where: string;
  node: Record<string, unknown>;
  /** Inside the branches of a oneOf/anyOf: `properties: { x: true }` only marks presence there. */
  inBranch: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every subschema object of the schema, with its JSON pointer. */
function subschemas(node: unknown, where = '#', inBranch = false): SchemaNode[] {
  if (!isRecord(node)) return [];
  const found: SchemaNode[] = [{ where, node, inBranch }];
  const properties = node['properties'];
  if (isRecord(properties)) {
    for (const [key, value] of Object.entries(properties))
      found.push(...subschemas(value, `${where}/properties/${key}`, inBranch));
  }
  found.push(...subschemas(node['items'], `${where}/items`, inBranch));
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    const branches = node[combinator];
    if (!Array.isArray(branches)) continue;
    for (const [index, branch] of branches.entries())
      found.push(...subschemas(branch, `${where}/${combinator}/${index}`, true));
  }
  return found;
}

describe('driftwatch.schema.json', () => {
  it('compiles with ajv in strict mode', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });

    expect(() => ajv.compile(configSchema)).not.toThrow();
  });

  it('is the file shipped in the repository, exported as configSchema', async () => {
    const shipped: unknown = JSON.parse(await readFile(SCHEMA_FILE, 'utf8'));

    expect(configSchema).toStrictEqual(shipped);
  });

  it('gives every property a title and a description, for editor completion', () => {
    const undocumented = subschemas(configSchema)
      .filter(({ where, inBranch }) => !inBranch && where.includes('/properties/'))
      .filter(({ node }) => typeof node['title'] !== 'string' || typeof node['description'] !== 'string')
      .map(({ where }) => where);

    expect(undocumented).toStrictEqual([]);
  });

  it('closes every object with additionalProperties: false, so typos are caught', () => {
    const open = subschemas(configSchema)
      .filter(({ node }) => node['type'] === 'object' && node['additionalProperties'] !== false)
      .map(({ where }) => where);

    expect(open).toStrictEqual([]);
  });

  it('uses presence-only branches in oneOf/anyOf, so a bad value is reported as such and not as a missing choice', () => {
    const branches = subschemas(configSchema).filter(({ where }) => /\/(oneOf|anyOf)\/\d+$/.test(where));
    const checked = branches.flatMap(({ node, where }) =>
      Object.entries(isRecord(node['properties']) ? node['properties'] : {})
        .filter(([, value]) => value !== true)
        .map(([key]) => `${where}/properties/${key}`),
    );

    expect(branches).toHaveLength(9);
    expect(checked).toStrictEqual([]);
  });
});
