import { describe, expect, test } from 'vitest';
import { diffObject } from '../../../lib/diff/object.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import type { DeploymentShape } from './helpers.ts';
import { APPLIED_FIELDS, deployment, entry, withServerDefaults } from './helpers.ts';

const options = { trust: trustPolicy(), ignoreRules: [] };
const APPLIED_AT = '2026-11-01T08:00:00Z';

function live(patch: (object: DeploymentShape) => void = () => {}): KubeObject {
  return deployment((object) => {
    withServerDefaults(object);
    object.metadata.managedFields = [entry('kubectl', 'Apply', APPLIED_AT, APPLIED_FIELDS)];
    patch(object);
  });
}

function changesOf(declared: KubeObject, liveObject: KubeObject): Array<Record<string, unknown>> {
  return diffObject(declared, liveObject, options).changes.map((change) => ({ ...change }));
}

/** The table-like cases of normalization, list keys and attribution are data: test/fixtures/diff (fixtures.test.ts). */
describe('attribution from managedFields', () => {
  test('an object without managedFields is compared, and says attribution had no data', () => {
    const liveObject = live((object) => {
      delete object.metadata.managedFields;
      object.spec.replicas = 5;
    });
    const diff = diffObject(deployment(), liveObject, options);
    expect(diff.attributed).toBe(false);
    expect(diff.changes).toMatchObject([{ path: '/spec/replicas', declared: 3, live: 5 }]);
    expect(diff.changes[0]?.manager).toBeUndefined();
  });

  test('configured trusted managers are not reported for live-only fields', () => {
    const liveObject = live((object) => {
      object.spec.template.spec['priorityClassName'] = 'high';
      object.metadata.managedFields?.push(
        entry('platform-operator', 'Update', APPLIED_AT, {
          'f:spec': { 'f:template': { 'f:spec': { 'f:priorityClassName': {} } } },
        }),
      );
    });
    expect(changesOf(deployment(), liveObject)).toHaveLength(1);
    const trusting = diffObject(deployment(), liveObject, {
      trust: trustPolicy([{ manager: 'platform-*' }]),
      ignoreRules: [],
    });
    expect(trusting.changes).toEqual([]);
  });
});

describe('ignore rules', () => {
  test('a path rule with a wildcard segment leaves matching fields out', () => {
    const liveObject = live((object) => {
      const container = object.spec.template.spec.containers[0];
      if (container) container.image = 'web:2.0';
    });
    const diff = diffObject(deployment(), liveObject, {
      trust: trustPolicy(),
      ignoreRules: [{ kind: 'Deployment', paths: ['/spec/template/spec/containers/*/image'] }],
    });
    expect(diff.changes).toEqual([]);
  });

  test('a rule for another object does not apply', () => {
    const liveObject = live((object) => {
      object.spec.replicas = 1;
    });
    const diff = diffObject(deployment(), liveObject, {
      trust: trustPolicy(),
      ignoreRules: [{ name: 'api', paths: ['/spec/replicas'] }],
    });
    expect(diff.changes).toHaveLength(1);
  });
});
