import { describe, expect, test } from 'vitest';
import { isAtLeast } from '../../../lib/checks/index.ts';
import { driftSeverity, highestSeverity, resolvedSeverity } from '../../../lib/notify/severity.ts';
import { extra, finding, imageChange, missing, modified, report, resolvedDrift } from './fixtures.ts';

const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin' };

describe('severity', () => {
  test('missing objects and extra RBAC objects are high, other extras medium', () => {
    expect(driftSeverity(missing('db'))).toBe('high');
    for (const kind of ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'])
      expect(driftSeverity(extra(kind, 'x'))).toBe('high');
    expect(driftSeverity(extra('ConfigMap', 'x'))).toBe('medium');
  });

  test('modified: RBAC grants and Secrets are high, anything else medium', () => {
    expect(driftSeverity(modified([imageChange('web:2')]))).toBe('medium');
    const rules = { path: '/rules/0/verbs', reason: 'differs' as const, declared: ['get'], live: ['*'] };
    const label = { path: '/metadata/labels/team', reason: 'differs' as const };
    expect(driftSeverity(modified([label, rules], { ...role, status: 'modified' }))).toBe('high');
    expect(driftSeverity(modified([label], { ...role, status: 'modified' }))).toBe('medium');
    expect(
      driftSeverity(
        modified([{ path: '/subjects/name=dev/name', reason: 'live-only' }], { ...role, kind: 'RoleBinding' }),
      ),
    ).toBe('high');
    expect(
      driftSeverity(
        modified([{ path: '/data/password', reason: 'differs' }], { apiVersion: 'v1', kind: 'Secret', name: 's' }),
      ),
    ).toBe('high');
  });

  test('a change is rated on its own; the entry takes its worst change', () => {
    const entry = modified(
      [
        { path: '/metadata/labels/a', reason: 'differs' },
        { path: '/rules', reason: 'differs' },
      ],
      role,
    );
    expect(driftSeverity(entry, entry.changes?.[0])).toBe('medium');
    expect(driftSeverity(entry)).toBe('high');
  });

  test('resolved drift is rated from its kind, status and path; resolved findings have none', () => {
    expect(resolvedSeverity(resolvedDrift('db', 'missing'))).toBe('high');
    expect(resolvedSeverity(resolvedDrift('web'))).toBe('medium');
    expect(resolvedSeverity({ ...resolvedDrift('x'), type: 'finding' })).toBeUndefined();
  });

  test('highestSeverity covers drift and findings not exempted', () => {
    expect(highestSeverity(report([]))).toBeUndefined();
    expect(highestSeverity(report([modified([imageChange('web:2')])]))).toBe('medium');
    expect(
      highestSeverity(
        report([modified([imageChange('web:2')])], { findings: [finding('critical', undefined, { exempted: true })] }),
      ),
    ).toBe('medium');
    expect(highestSeverity(report([missing('db')], { findings: [finding('critical')] }))).toBe('critical');
    expect(highestSeverity(report([], { findings: [finding('low')] }))).toBe('low');
  });

  test('order is critical > high > medium > low > info', () => {
    expect(isAtLeast('critical', 'high')).toBe(true);
    expect(isAtLeast('medium', 'medium')).toBe(true);
    expect(isAtLeast('low', 'medium')).toBe(false);
    expect(isAtLeast('info', 'low')).toBe(false);
  });
});
