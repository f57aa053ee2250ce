import { describe, expect, test } from 'vitest';
import type { ExportItem } from '../../../lib/report/export.ts';
import { buildExport, exportMarkdown, humanDuration } from '../../../lib/report/export.ts';
import type { Report } from '../../../lib/report/report.ts';
import {
  extraRole,
  imageDrift,
  makeReport,
  monthOfReports,
  privilegedFinding,
  replicasDrift,
  withHistory,
} from './fixtures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function item(items: readonly ExportItem[], predicate: (item: ExportItem) => boolean): ExportItem {
  const found = items.find(predicate);
  if (!found) throw new Error('item not found');
  return found;
}

describe('export over a month of reports', () => {
  const month = monthOfReports({ cluster: 'prod', start: '2026-11-01', days: 30, perDay: 4 });
  const period = buildExport('prod', month);

  test('every item once, however many reports had it', () => {
    expect(period.reports).toHaveLength(120);
    expect(period.items).toHaveLength(5);
    expect(new Set(period.items.map((entry) => entry.key)).size).toBe(5);
  });

  test('drift that appeared on day 3 and was fixed on day 10: first seen, last seen, resolved at, 7 days', () => {
    const web = item(period.items, (entry) => entry.name === 'web');
    expect(web).toMatchObject({
      state: 'resolved',
      firstSeen: '2026-11-03T00:00:00.000Z',
      lastSeen: '2026-11-09T18:00:00.000Z',
      resolvedAt: '2026-11-10T00:00:00.000Z',
      durationMs: 7 * DAY,
      sightings: 28,
      declared: 'web:1.0',
      live: 'web:hotfix',
      manager: 'kubectl-set',
      changedAt: '2026-11-01T09:00:00Z',
      commit: 'a1b2c3d4e5f6a7b8c9d0',
    });
    expect(web.episodes).toHaveLength(1);
  });

  test('drift still there at the end is open, its duration up to the last sighting; the latest commit wins', () => {
    const api = item(period.items, (entry) => entry.name === 'api');
    expect(api).toMatchObject({
      state: 'open',
      firstSeen: '2026-11-01T00:00:00.000Z',
      lastSeen: '2026-11-30T18:00:00.000Z',
      subresource: 'scale',
      commit: 'f0e9d8c7b6a5f4e3d2c1',
    });
    expect(api.resolvedAt).toBeUndefined();
    expect(api.durationMs).toBe(29 * DAY + 18 * HOUR);
  });

  test('a whole extra object and a missing one are items too', () => {
    expect(item(period.items, (entry) => entry.name === 'debug')).toMatchObject({
      driftStatus: 'extra',
      path: '#extra',
      durationMs: DAY,
      manager: 'kubectl-create',
    });
    expect(item(period.items, (entry) => entry.name === 'feature-flags')).toMatchObject({
      driftStatus: 'missing',
      state: 'resolved',
      resolvedAt: '2026-11-23T00:00:00.000Z',
      durationMs: 3 * DAY,
    });
  });

  test('findings carry severity, remediation and exemption status', () => {
    expect(item(period.items, (entry) => entry.type === 'finding')).toMatchObject({
      check: 'privileged-container',
      severity: 'high',
      exemption: 'active',
      state: 'open',
    });
  });

  test('a period that starts mid-way keeps the true first sighting from the history marks', () => {
    const lateStart = buildExport(
      'prod',
      month.filter((report) => report.generatedAt >= '2026-11-05'),
      { since: '2026-11-05T00:00:00.000Z' },
    );
    expect(item(lateStart.items, (entry) => entry.name === 'web')).toMatchObject({
      firstSeen: '2026-11-03T00:00:00.000Z',
      resolvedAt: '2026-11-10T00:00:00.000Z',
      sightings: 20,
    });
  });

  test('an item last seen before the period and resolved by its first report is listed as resolved', () => {
    const afterFix = buildExport(
      'prod',
      month.filter((report) => report.generatedAt >= '2026-11-10'),
    );
    const web = item(afterFix.items, (entry) => entry.name === 'web');
    expect(web).toMatchObject({
      state: 'resolved',
      sightings: 0,
      firstSeen: '2026-11-03T00:00:00.000Z',
      lastSeen: '2026-11-09T18:00:00.000Z',
      resolvedAt: '2026-11-10T00:00:00.000Z',
    });
  });

  test('markdown says still open and the durations in words', () => {
    const text = exportMarkdown(period);
    expect(text).toContain(
      '| resolved | Deployment shop/web | modified /spec/template/spec/containers/name=web/image | web:1.0 | web:hotfix |',
    );
    expect(text).toMatch(/2026-11-10T00:00:00Z \| 7d \|/);
    expect(text).toMatch(/still open \| 29d 18h \|/);
  });
});

describe('export edge cases', () => {
  const at = (hour: number): string => new Date(Date.parse('2026-11-01T00:00:00Z') + hour * HOUR).toISOString();

  test('drift that comes back after being resolved gets a second episode; the duration sums both', () => {
    const reports = withHistory([
      makeReport({ cluster: 'prod', at: at(0), drift: [replicasDrift('api', 5)] }),
      makeReport({ cluster: 'prod', at: at(1), drift: [replicasDrift('api', 5)] }),
      makeReport({ cluster: 'prod', at: at(2), drift: [] }),
      makeReport({ cluster: 'prod', at: at(3), drift: [replicasDrift('api', 7)] }),
      makeReport({ cluster: 'prod', at: at(5), drift: [] }),
    ]);
    const api = buildExport('prod', reports).items[0];
    expect(api?.episodes).toEqual([
      { firstSeen: at(0), lastSeen: at(1), resolvedAt: at(2) },
      { firstSeen: at(3), lastSeen: at(3), resolvedAt: at(5) },
    ]);
    expect(api).toMatchObject({
      state: 'resolved',
      firstSeen: at(0),
      lastSeen: at(3),
      resolvedAt: at(5),
      durationMs: 4 * HOUR,
      live: 7,
      sightings: 3,
    });
  });

  test('gone while its type could not be listed: unconfirmed, not resolved', () => {
    const failedRoles = [
      {
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        resource: 'roles',
        kind: 'Role',
        status: 'forbidden' as const,
        count: 0,
      },
    ];
    const reports = withHistory([
      makeReport({ cluster: 'prod', at: at(0), drift: [extraRole('debug')] }),
      makeReport({ cluster: 'prod', at: at(1), drift: [], lists: failedRoles }),
    ]);
    expect(buildExport('prod', reports).items[0]).toMatchObject({ state: 'unconfirmed', lastSeen: at(0) });
    expect(buildExport('prod', reports).items[0]?.resolvedAt).toBeUndefined();
  });

  test('exempted findings say why, who and until when', () => {
    const reports: Report[] = withHistory([
      makeReport({ cluster: 'prod', at: at(0), findings: [privilegedFinding('cni', { exempted: true })] }),
    ]);
    expect(buildExport('prod', reports).items[0]?.exemption).toBe(
      'exempted: CNI agent (owner net-team, expires 2027-01-31)',
    );
  });

  test('items of several namespaces come sorted by namespace, then object', () => {
    const reports = withHistory([
      makeReport({
        cluster: 'prod',
        at: at(0),
        drift: [imageDrift('web', 'x', 'zeta'), imageDrift('b', 'x', 'alpha'), imageDrift('a', 'x', 'alpha')],
      }),
    ]);
    expect(buildExport('prod', reports).items.map((entry) => `${entry.namespace}/${entry.name}`)).toEqual([
      'alpha/a',
      'alpha/b',
      'zeta/web',
    ]);
  });

  test('durations in words', () => {
    expect(humanDuration(0)).toBe('0m');
    expect(humanDuration(45 * 60_000)).toBe('45m');
    expect(humanDuration(3 * HOUR + 20 * 60_000)).toBe('3h 20m');
    expect(humanDuration(7 * DAY)).toBe('7d');
    expect(humanDuration(7 * DAY + 4 * HOUR)).toBe('7d 4h');
  });
});
