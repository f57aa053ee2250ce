import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { fieldRulesCatalog } from '../../../lib/diff/field-rules.ts';
import { diffObject } from '../../../lib/diff/object.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { isPlainObject, refOf } from '../../../lib/kube/object.ts';

/**
 * The diff cases kept as data, one folder each (test/fixtures/diff/README.md), the way gitops-engine keeps its
 * `<case>-config` / `<case>-live` pairs: `declared.yaml` and `live.yaml` are compared with the default trust policy
 * and the built-in field rules plus the CRDs of `crds.yaml` (when there is one); `expected.yaml` holds the changes.
 */
const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'diff');

interface Expected {
  title: string;
  /** `exact`: the changes are these, field for field; `subset`: as many changes, in order, each holding these fields. */
  match: 'exact' | 'subset';
  changes: Array<Record<string, unknown>>;
}

function readObject(file: string): KubeObject {
  const value = load(readFileSync(file, 'utf8'));
  if (!isPlainObject(value) || !isPlainObject(value['metadata'])) throw new Error(`${file}: not a Kubernetes object`);
  return value as KubeObject;
}

function readExpected(file: string): Expected {
  const value = load(readFileSync(file, 'utf8'));
  if (!isPlainObject(value) || typeof value['title'] !== 'string' || !Array.isArray(value['changes']))
    throw new Error(`${file}: needs title and changes`);
  const match = value['match'];
  if (match !== 'exact' && match !== 'subset') throw new Error(`${file}: match must be exact or subset`);
  return { title: value['title'], match, changes: value['changes'].filter(isPlainObject) };
}

function readCrds(file: string): KubeObject[] {
  if (!existsSync(file)) return [];
  return loadAll(readFileSync(file, 'utf8')).filter((value): value is KubeObject => isPlainObject(value));
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
  .map((name) => {
    const folder = join(ROOT, name);
    return { name, folder, expected: readExpected(join(folder, 'expected.yaml')) };
  });

describe('diff fixtures (test/fixtures/diff)', () => {
  test('the folder holds the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(cases.map((entry) => [`${entry.name}: ${entry.expected.title}`, entry] as const))(
    '%s',
    (_title, { folder, expected }) => {
      const declared = readObject(join(folder, 'declared.yaml'));
      const live = readObject(join(folder, 'live.yaml'));
      const ref = refOf(declared);
      const fieldRules = fieldRulesCatalog(readCrds(join(folder, 'crds.yaml'))).forKind(ref.group, ref.kind);
      const { changes } = diffObject(declared, live, {
        trust: trustPolicy(),
        ignoreRules: [],
        fieldRules,
        secretDigestKey: randomBytes(32),
      });
      const shown = changes.map((change) => ({ ...change }));
      if (expected.match === 'exact') expect(shown).toEqual(expected.changes);
      else expect(shown).toMatchObject(expected.changes);
    },
  );
});
