import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_SUBJECTS } from '../../../lib/checks/defaults.ts';
import { isAllowedSubject, subjectKey } from '../../../lib/checks/subjects.ts';

describe('RBAC subjects', () => {
  it('spells subjects as user:, group: and serviceaccount:ns/name', () => {
    expect(subjectKey({ kind: 'User', name: 'alice' }, undefined)).toBe('user:alice');
    expect(subjectKey({ kind: 'Group', name: 'devs' }, undefined)).toBe('group:devs');
    expect(subjectKey({ kind: 'ServiceAccount', name: 'deployer', namespace: 'ops' }, 'shop')).toBe(
      'serviceaccount:ops/deployer',
    );
  });

  it('treats a User named system:serviceaccount:ns:name as that service account', () => {
    const key = subjectKey({ kind: 'User', name: 'system:serviceaccount:shop:ci' }, undefined);

    expect(key).toBe('serviceaccount:shop/ci');
    expect(isAllowedSubject(key ?? '', DEFAULT_ALLOWED_SUBJECTS)).toBe(false);
  });

  it('allows catch-all identities only through an exact allow-list entry', () => {
    expect(isAllowedSubject('group:system:serviceaccounts:shop', ['group:system:*'])).toBe(false);
    expect(isAllowedSubject('group:system:serviceaccounts:shop', ['group:system:serviceaccounts:shop'])).toBe(true);
    expect(isAllowedSubject('group:system:nodes', ['group:system:*'])).toBe(true);
  });

  it('match allow-list globs with the one glob of driftwatch.yaml: * crosses / and :, ? is one character', () => {
    expect(isAllowedSubject('serviceaccount:ci/deployer', ['serviceaccount:*'])).toBe(true);
    expect(isAllowedSubject('serviceaccount:ci/deployer', ['serviceaccount:ci/*'])).toBe(true);
    expect(isAllowedSubject('serviceaccount:ci/deployer', ['serviceaccount:c?/deployer'])).toBe(true);
    expect(isAllowedSubject('serviceaccount:ci/deployer', ['serviceaccount:{ci,cd}/deployer'])).toBe(false);
    expect(isAllowedSubject('user:alice', ['serviceaccount:*'])).toBe(false);
  });
});
