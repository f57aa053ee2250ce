import { describe, expect, test } from 'vitest';
import { notificationFor } from '../../../lib/notify/decide.ts';
import type { Report } from '../../../lib/report/report.ts';
import {
  NEW,
  PERSISTING,
  T0,
  extra,
  finding,
  imageChange,
  missing,
  modified,
  report,
  resolvedDrift,
  withResolved,
} from './fixtures.ts';

const persistingReport = (): Report =>
  report([modified([imageChange('web:2', PERSISTING)]), extra('ConfigMap', 'debug', PERSISTING)], {
    findings: [finding('high', PERSISTING)],
  });

describe('notificationFor', () => {
  test('new drift gives a notification listing it', () => {
    const decision = notificationFor(report([modified([imageChange('web:2')])]), {});
    expect(decision?.newDrift).toHaveLength(1);
    expect(decision?.newDrift[0]).toMatchObject({ change: { live: 'web:2' }, severity: 'medium' });
    expect(decision?.resolved).toEqual([]);
    expect(decision?.incomplete).toBeUndefined();
  });

  test('a run where everything persists and nothing resolved gives no notification', () => {
    expect(notificationFor(persistingReport(), {})).toBeUndefined();
    expect(notificationFor(persistingReport(), { minSeverity: 'info', includeResolved: true })).toBeUndefined();
  });

  test('a new field in an object that drifted before is news, the old field is not repeated', () => {
    const decision = notificationFor(
      report([
        modified([
          imageChange('web:2', PERSISTING),
          { path: '/spec/replicas', reason: 'differs', declared: 2, live: 5, ...NEW },
        ]),
      ]),
    );
    expect(decision?.newDrift.map((item) => item.change?.path)).toEqual(['/spec/replicas']);
  });

  test('resolved items alone notify when includeResolved is on (the default), not when off', () => {
    const resolvedOnly = withResolved(persistingReport(), [resolvedDrift('api')]);
    expect(notificationFor(resolvedOnly)?.resolved).toEqual([resolvedDrift('api')]);
    expect(notificationFor(resolvedOnly, { includeResolved: true })?.resolved).toHaveLength(1);
    expect(notificationFor(resolvedOnly, { includeResolved: false })).toBeUndefined();
  });

  test('resolved drift below minSeverity is not told; resolved findings (no severity kept) always are', () => {
    const resolved = [
      resolvedDrift('api'),
      resolvedDrift('db', 'missing'),
      { ...resolvedDrift('x'), type: 'finding' as const, check: 'privileged-container', path: undefined },
    ];
    const decision = notificationFor(withResolved(persistingReport(), resolved), { minSeverity: 'high' });
    expect(decision?.resolved.map((item) => item.name)).toEqual(['db', 'x']);
  });

  test('an incomplete scan notifies even without new drift', () => {
    const incomplete = persistingReport();
    incomplete.scan = { ...incomplete.scan, complete: false, error: 'connect ECONNREFUSED 10.0.0.1:443' };
    expect(notificationFor(incomplete)?.incomplete).toMatchObject({ error: 'connect ECONNREFUSED 10.0.0.1:443' });
  });

  test('the same incompleteness as in the previous run is not told again every hour', () => {
    const incomplete = persistingReport();
    incomplete.scan = { ...incomplete.scan, complete: false, error: 'connect ECONNREFUSED 10.0.0.1:443' };
    if (incomplete.history) incomplete.history = { ...incomplete.history, scanProblemsChanged: false };
    expect(notificationFor(incomplete)).toBeUndefined();
  });

  test('a forbidden list or a failed source file also counts as incomplete', () => {
    const forbidden = persistingReport();
    forbidden.scan = {
      ...forbidden.scan,
      complete: false,
      lists: [{ group: '', version: 'v1', resource: 'secrets', kind: 'Secret', status: 'forbidden', count: 0 }],
    };
    expect(notificationFor(forbidden)?.incomplete?.failedLists).toHaveLength(1);

    const brokenFile = persistingReport();
    brokenFile.source = {
      ...brokenFile.source,
      failedFiles: [{ file: 'apps/web.yaml', line: 3, message: 'bad indentation', severity: 'error' }],
    };
    expect(notificationFor(brokenFile)?.incomplete?.failedFiles).toHaveLength(1);
  });

  test('minSeverity keeps new items at or above it; the default (info) keeps everything', () => {
    const mixed = report(
      [modified([imageChange('web:2')]), missing('db'), extra('Role', 'debug'), extra('ConfigMap', 'tmp')],
      {
        findings: [
          finding('info', NEW, { name: 'a' }),
          finding('critical', NEW, { name: 'b' }),
          finding('low', NEW, { name: 'c' }),
        ],
      },
    );
    const everything = notificationFor(mixed);
    expect(everything?.newDrift).toHaveLength(4);
    expect(everything?.newFindings.map((item) => item.severity)).toEqual(['critical', 'low', 'info']);

    const high = notificationFor(mixed, { minSeverity: 'high' });
    expect(high?.newDrift.map((item) => `${item.entry.kind}/${item.entry.name}`).sort()).toEqual([
      'Deployment/db',
      'Role/debug',
    ]);
    expect(high?.newFindings.map((item) => item.name)).toEqual(['b']);

    expect(notificationFor(report([modified([imageChange('web:2')])]), { minSeverity: 'high' })).toBeUndefined();
  });

  test('exempted findings never notify', () => {
    expect(notificationFor(report([], { findings: [finding('critical', NEW, { exempted: true })] }))).toBeUndefined();
  });

  test('without history marks (no previous run compared) everything counts as new', () => {
    const unmarked = report([{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'x', status: 'extra' }]);
    expect(notificationFor(unmarked)?.newDrift).toHaveLength(1);
  });

  test('new drift is listed newest first', () => {
    const decision = notificationFor(
      report([
        modified([imageChange('web:2', NEW, T0)], { name: 'old' }),
        modified([imageChange('web:3', NEW, '2026-11-20T10:30:00Z')], { name: 'newest' }),
        modified([imageChange('web:4', NEW, '2026-11-20T10:10:00Z')], { name: 'middle' }),
      ]),
    );
    expect(decision?.newDrift.map((item) => item.entry.name)).toEqual(['newest', 'middle', 'old']);
  });
});
