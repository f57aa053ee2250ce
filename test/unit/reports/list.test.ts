import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseSince, parseUntil } from '../../../lib/cli/reports-time.ts';
import { reportBody, reportKeys } from '../../../lib/store/layout.ts';
import type { ListQuery } from '../../../lib/store/list.ts';
import { listClusters, listReports, parseReportKey } from '../../../lib/store/list.ts';
import { writeLocalReport } from '../../../lib/store/local.ts';
import type { ReportStore } from '../../../lib/store/read.ts';
import { runCli } from '../../cli/run-cli.ts';
import { makeReport } from './fixtures.ts';

let folder: string;
let store: ReportStore;

/** Two clusters, a report every 6 hours from 2026-11-01 to 2026-11-05 (20 each). */
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'driftwatch-reports-list-'));
  store = { type: 'local', folder };
  for (const cluster of ['prod', 'staging']) {
    for (let run = 0; run < 20; run++) {
      const at = new Date(Date.parse('2026-11-01T00:00:00Z') + run * 6 * 3_600_000).toISOString();
      await writeLocalReport(folder, makeReport({ cluster, at }));
    }
  }
  // Not reports: they must be skipped, not break the listing.
  writeFileSync(join(folder, 'reports/cluster=prod/dt=2026-11-01/notes.txt'), 'x');
  writeFileSync(join(folder, 'reports/cluster=prod/dt=2026-11-01/20261101T000000Z-r.json.123.tmp'), '{');
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const times = async (query: ListQuery): Promise<string[]> =>
  (await listReports(store, query)).map((ref) => `${ref.cluster}@${ref.generatedAt}`);

describe('report keys', () => {
  test('cluster, day, time and run id come from the key', () => {
    expect(parseReportKey('reports/cluster=prod-eu/dt=2026-11-20/20261120T100211Z-a1b2c3d4.json')).toEqual({
      key: 'reports/cluster=prod-eu/dt=2026-11-20/20261120T100211Z-a1b2c3d4.json',
      cluster: 'prod-eu',
      day: '2026-11-20',
      generatedAt: '2026-11-20T10:02:11Z',
      runId: 'a1b2c3d4',
    });
  });

  test('the key layout.ts writes is the key list.ts reads', () => {
    const keys = reportKeys('prod', '2026-11-20T10:02:11.123Z', 'run-42');
    expect(parseReportKey(keys.report)).toMatchObject({
      cluster: 'prod',
      generatedAt: '2026-11-20T10:02:11Z',
      runId: 'run-42',
    });
  });

  test.each([
    'reports/cluster=prod/dt=2026-11-20/20261120T100211Z-a.json.sha256',
    'findings/cluster=prod/dt=2026-11-20/20261120T100211Z-a.ndjson',
    'latest/prod.json',
    'reports/cluster=prod/dt=2026-11-20/notes.json',
  ])('%s is not a report', (key) => {
    expect(parseReportKey(key)).toBeUndefined();
  });
});

describe('listing a local store', () => {
  test('everything, oldest first, sidecars and stray files skipped', async () => {
    const all = await listReports(store, {});
    expect(all).toHaveLength(40);
    expect(all[0]).toMatchObject({ cluster: 'prod', generatedAt: '2026-11-01T00:00:00Z' });
    expect(all.at(-1)).toMatchObject({ cluster: 'staging', generatedAt: '2026-11-05T18:00:00Z' });
    expect(await listClusters(store)).toEqual(['prod', 'staging']);
  });

  test('--cluster', async () => {
    expect(await listReports(store, { cluster: 'staging' })).toHaveLength(20);
    expect(await listReports(store, { cluster: 'nope' })).toEqual([]);
  });

  test('--since and --until dates: whole days, inclusive', async () => {
    const days = await times({ cluster: 'prod', since: parseSince('2026-11-02'), until: parseUntil('2026-11-03') });
    expect(days).toEqual([
      'prod@2026-11-02T00:00:00Z',
      'prod@2026-11-02T06:00:00Z',
      'prod@2026-11-02T12:00:00Z',
      'prod@2026-11-02T18:00:00Z',
      'prod@2026-11-03T00:00:00Z',
      'prod@2026-11-03T06:00:00Z',
      'prod@2026-11-03T12:00:00Z',
      'prod@2026-11-03T18:00:00Z',
    ]);
  });

  test('--since and --until times: inclusive bounds to the second', async () => {
    expect(
      await times({
        cluster: 'prod',
        since: parseSince('2026-11-02T06:00:00Z'),
        until: parseUntil('2026-11-02T12:00:00Z'),
      }),
    ).toEqual(['prod@2026-11-02T06:00:00Z', 'prod@2026-11-02T12:00:00Z']);
    expect(
      await times({
        cluster: 'prod',
        since: parseSince('2026-11-02T06:00:01Z'),
        until: parseUntil('2026-11-02T11:59:59Z'),
      }),
    ).toEqual([]);
    expect(await times({ since: parseSince('2026-11-05T18:00:00.500Z') })).toEqual([
      'prod@2026-11-05T18:00:00Z',
      'staging@2026-11-05T18:00:00Z',
    ]);
  });

  test('a range outside every report lists nothing', async () => {
    expect(await listReports(store, { since: parseSince('2026-12-01') })).toEqual([]);
    expect(await listReports(store, { until: parseUntil('2026-10-31') })).toEqual([]);
  });
});

describe('reports list on the command line', () => {
  test('json: an array with counts, commit and integrity', () => {
    const result = runCli([
      'reports',
      'list',
      '--store',
      folder,
      '--cluster',
      'prod',
      '--since',
      '2026-11-05',
      '--format',
      'json',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(4);
    expect(listed[0]).toMatchObject({
      cluster: 'prod',
      generatedAt: '2026-11-05T00:00:00Z',
      complete: true,
      integrity: 'verified',
      counts: { modified: 0, missing: 0, extra: 0, findings: 0 },
    });
  });

  test('table: one line per report plus the header; --no-counts reads no report', () => {
    const table = runCli(['reports', 'list', '--store', folder, '--until', '2026-11-01']);
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^TIME\s+CLUSTER\s+RUN\s+COMMIT\s+MODIFIED\s+MISSING\s+EXTRA\s+FINDINGS\s+SCAN\s+SHA256$/);
    expect(lines[1]).toMatch(/^2026-11-01T00:00:00Z\s+prod\s+\S+\s+-\s+0\s+0\s+0\s+0\s+complete\s+ok$/);
    const keysOnly = runCli([
      'reports',
      'list',
      '--store',
      folder,
      '--no-counts',
      '--format',
      'json',
      '--cluster',
      'prod',
    ]);
    expect(JSON.parse(keysOnly.stdout)).toHaveLength(20);
    expect((JSON.parse(keysOnly.stdout) as Array<Record<string, unknown>>)[0]?.['counts']).toBeUndefined();
  });

  test('bad arguments exit 2 with a message', () => {
    const badDate = runCli(['reports', 'list', '--store', folder, '--since', 'last week']);
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toContain('expected a date');
    const noStore = runCli(['reports', 'list', '--store', join(folder, 'absent')]);
    expect(noStore.status).toBe(2);
    expect(noStore.stderr).toContain('no report folder at');
    expect(runCli(['reports', 'list', '--help']).status).toBe(0);
  });
});

describe('thousands of reports', () => {
  let bigFolder: string;

  beforeAll(() => {
    // 2,000 reports written directly (body + sidecar), as fast as the test can make them.
    bigFolder = mkdtempSync(join(tmpdir(), 'driftwatch-reports-big-'));
    for (let run = 0; run < 2000; run++) {
      const at = new Date(Date.parse('2026-09-01T00:00:00Z') + run * 3_600_000).toISOString();
      const report = makeReport({ cluster: run % 2 === 0 ? 'prod' : 'staging', at, drift: [] });
      const keys = reportKeys(report.cluster, report.generatedAt, report.runId);
      mkdirSync(join(bigFolder, keys.report, '..'), { recursive: true });
      writeFileSync(join(bigFolder, keys.report), reportBody(report));
    }
  });

  afterAll(() => rmSync(bigFolder, { recursive: true, force: true }));

  test('2,000 local reports with counts are listed in a few seconds', () => {
    const started = Date.now();
    // The table: runCli's pipe buffer (1 MB) is too small for 2,000 JSON objects.
    const result = runCli(['reports', 'list', '--store', bigFolder, '--quiet']);
    const elapsed = Date.now() - started;
    expect(result.status, result.stderr).toBe(0);
    const rows = result.stdout.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(2000);
    expect(rows[0]).toMatch(/^2026-09-01T00:00:00Z\s+prod\s/);
    expect(rows[1999]).toMatch(/^2026-11-23T07:00:00Z\s+staging\s/);
    // No sidecars were written here: listed, flagged `none` (unverified).
    expect(rows.every((row) => /\scomplete\s+none$/.test(row))).toBe(true);
    expect(elapsed).toBeLessThan(10_000);
  });
});
