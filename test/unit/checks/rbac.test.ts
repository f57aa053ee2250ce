import { describe, expect, it } from 'vitest';
import { isAllowedSubject, subjectKey } from '../../../lib/checks/subjects.ts';
import { DEFAULT_ALLOWED_SUBJECTS } from '../../../lib/checks/defaults.ts';
import { config, object, runCheck } from './helpers.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';

function clusterRoleBinding(name: string, role: string, subjects: unknown[]): ReturnType<typeof object> {
  return object(RBAC, 'ClusterRoleBinding', name, undefined, { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects });
}

describe('rbac-cluster-admin', () => {
  it('fires once per subject outside the allow-list, naming binding and subject', () => {
    const binding = clusterRoleBinding('ops-admin', 'cluster-admin', [
      { kind: 'Group', name: 'devs' },
      { kind: 'User', name: 'bob' },
      { kind: 'Group', name: 'system:masters' },
    ]);

    const findings = runCheck('rbac-cluster-admin', [binding]);

    expect(findings.map((found) => found.message)).toStrictEqual([
      'ClusterRoleBinding ops-admin grants cluster-admin to group:devs',
      'ClusterRoleBinding ops-admin grants cluster-admin to user:bob',
    ]);
    expect(findings[0]).toMatchObject({ severity: 'critical', kind: 'ClusterRoleBinding', name: 'ops-admin' });
    expect(findings[0]?.remediation).toContain('kubectl edit clusterrolebinding ops-admin');
  });

  it('stays quiet on the same binding to allowed subjects only (defaults and config additions)', () => {
    const binding = clusterRoleBinding('ops-admin', 'cluster-admin', [
      { kind: 'Group', name: 'system:masters' },
      { kind: 'ServiceAccount', name: 'addon-manager', namespace: 'kube-system' },
      { kind: 'Group', name: 'platform-admins' },
    ]);
    const allowSubjects = [...DEFAULT_ALLOWED_SUBJECTS, 'group:platform-admins'];

    expect(runCheck('rbac-cluster-admin', [binding], { config: config({ rbac: { allowSubjects } }) })).toStrictEqual([]);
  });

  it('fires on a RoleBinding to the cluster-admin ClusterRole, with a service account in the binding namespace', () => {
    const binding = object(RBAC, 'RoleBinding', 'deployer-admin', 'shop', {
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer' }],
    });

    const [found] = runCheck('rbac-cluster-admin', [binding]);

    expect(found).toMatchObject({ kind: 'RoleBinding', namespace: 'shop', name: 'deployer-admin' });
    expect(found?.message).toContain('serviceaccount:shop/deployer');
  });

  it('fires on catch-all groups even though system:* is allowed', () => {
    const binding = clusterRoleBinding('oops', 'cluster-admin', [{ kind: 'Group', name: 'system:authenticated' }, { kind: 'User', name: 'system:anonymous' }]);

    expect(runCheck('rbac-cluster-admin', [binding])).toHaveLength(2);
  });
});

describe('rbac-wildcard', () => {
  const wildcardRole = object(RBAC, 'ClusterRole', 'ops-all', undefined, { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list'] }] });
  const narrowRole = object(RBAC, 'ClusterRole', 'viewer', undefined, { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });

  it('fires on a binding to a ClusterRole with * resources, naming the role', () => {
    const [found] = runCheck('rbac-wildcard', [wildcardRole, clusterRoleBinding('ops', 'ops-all', [{ kind: 'User', name: 'alice' }])]);

    expect(found?.message).toBe('ClusterRoleBinding ops grants ClusterRole ops-all (resources *) to user:alice');
    expect(found?.severity).toBe('high');
  });

  it('fires on a RoleBinding to a Role of its namespace with * verbs', () => {
    const role = object(RBAC, 'Role', 'everything', 'shop', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] });
    const binding = object(RBAC, 'RoleBinding', 'all', 'shop', { roleRef: { kind: 'Role', name: 'everything' }, subjects: [{ kind: 'User', name: 'bob' }] });

    expect(runCheck('rbac-wildcard', [role, binding])[0]?.message).toContain('Role shop/everything (verbs *)');
  });

  it('stays quiet on a binding to a narrow role', () => {
    expect(runCheck('rbac-wildcard', [narrowRole, clusterRoleBinding('view', 'viewer', [{ kind: 'User', name: 'alice' }])])).toStrictEqual([]);
  });

  it('stays quiet when the bound role was not listed (nothing to judge)', () => {
    expect(runCheck('rbac-wildcard', [clusterRoleBinding('ops', 'ops-all', [{ kind: 'User', name: 'alice' }])])).toStrictEqual([]);
  });
});

describe('RBAC subjects', () => {
  it('spells subjects as user:, group: and serviceaccount:ns/name', () => {
    expect(subjectKey({ kind: 'User', name: 'alice' }, undefined)).toBe('user:alice');
    expect(subjectKey({ kind: 'Group', name: 'devs' }, undefined)).toBe('group:devs');
    expect(subjectKey({ kind: 'ServiceAccount', name: 'deployer', namespace: 'ops' }, 'shop')).toBe('serviceaccount:ops/deployer');
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
});
