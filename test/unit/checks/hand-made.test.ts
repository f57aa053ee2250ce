import { describe, expect, it } from 'vitest';
import type { ManagedFieldsEntry } from '../../../lib/kube/object.ts';
import { object, runCheck } from './helpers.ts';

// The cases of hand-made-object are under test/fixtures/checks/hand-made-object/; this one looks at the whole finding.
const BY_HAND: ManagedFieldsEntry[] = [{ manager: 'kubectl-create', operation: 'Update' }];

describe('hand-made-object', () => {
  it('never suggests printing a hand-made Secret', () => {
    const secret = object('v1', 'Secret', 'token', 'shop', {
      type: 'Opaque',
      data: { token: 'c2VjcmV0' },
      metadata: { managedFields: BY_HAND },
    });

    const [found] = runCheck('hand-made-object', [secret]);

    expect(found?.remediation).toContain('kubectl describe secret token -n shop');
    expect(JSON.stringify(found)).not.toContain('c2VjcmV0');
  });
});
