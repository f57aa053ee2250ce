import { describe, expect, test } from 'vitest';
import type { FieldRuleSet } from '../../../lib/diff/field-rules.ts';
import { builtInRuleSet, composeFieldRules, fieldRulesCatalog } from '../../../lib/diff/field-rules.ts';
import { placeOf } from '../../../lib/diff/path.ts';

const place = (...names: string[]) => placeOf(names.map((field) => ({ field })));

describe('composed field rules', () => {
  const keyedByName: FieldRuleSet = {
    listStrategy: (at) => (at.names.at(-1) === 'items' ? { type: 'keyed', keys: ['name'], defaults: {} } : undefined),
  };
  const setOfItems: FieldRuleSet = {
    listStrategy: (at) => (at.names.at(-1) === 'items' || at.names.at(-1) === 'tags' ? { type: 'set' } : undefined),
  };
  const one: FieldRuleSet = {
    defaultAt: (at) => (at.names.at(-1) === 'size' ? { value: 1 } : undefined),
    isLiveOnlyExempt: (at) => at.names[0] === 'note',
  };
  const two: FieldRuleSet = {
    defaultAt: (at) => (at.names.at(-1) === 'size' ? { value: 2 } : undefined),
    isServerSet: (at) => at.names[0] === 'status',
  };

  test("a list takes the first set's strategy; no set: atomic", () => {
    const rules = composeFieldRules([keyedByName, setOfItems]);
    expect(rules.listStrategy(place('spec', 'items'))).toEqual({ type: 'keyed', keys: ['name'], defaults: {} });
    expect(rules.listStrategy(place('spec', 'tags'))).toEqual({ type: 'set' });
    expect(rules.listStrategy(place('spec', 'other'))).toEqual({ type: 'atomic' });
  });

  test('a value is a default, a field server-set or exempt, when any set says so', () => {
    const rules = composeFieldRules([one, two]);
    expect(rules.isDefault(place('spec', 'size'), 1, {})).toBe(true);
    expect(rules.isDefault(place('spec', 'size'), 2, {})).toBe(true);
    expect(rules.isDefault(place('spec', 'size'), 3, {})).toBe(false);
    expect(rules.isDefault(place('spec', 'other'), 1, {})).toBe(false);
    expect(rules.isServerSet(place('status'))).toBe(true);
    expect(rules.isLiveOnlyExempt(place('note'))).toBe(true);
    expect(composeFieldRules([]).isServerSet(place('status'))).toBe(false);
  });

  test("the built-in set knows kind-specific defaults (a Deployment's replicas, not a custom resource's)", () => {
    const deployment = composeFieldRules([builtInRuleSet('apps', 'Deployment')]);
    const custom = composeFieldRules([builtInRuleSet('example.com', 'Gateway')]);
    expect(deployment.isDefault(place('spec', 'replicas'), 1, {})).toBe(true);
    expect(custom.isDefault(place('spec', 'replicas'), 1, {})).toBe(false);
    expect(
      deployment.isDefault(place('spec', 'template', 'spec', 'containers', 'imagePullPolicy'), 'Always', {
        image: 'web:latest',
      }),
    ).toBe(true);
    expect(
      deployment.isDefault(place('spec', 'template', 'spec', 'containers', 'imagePullPolicy'), 'Always', {
        image: 'web:1.0',
      }),
    ).toBe(false);
  });

  test("a catalog builds each kind's rules once", () => {
    const catalog = fieldRulesCatalog();
    expect(catalog.forKind('apps', 'Deployment')).toBe(catalog.forKind('apps', 'Deployment'));
    expect(catalog.forKind('apps', 'Deployment')).not.toBe(catalog.forKind('apps', 'StatefulSet'));
  });
});
