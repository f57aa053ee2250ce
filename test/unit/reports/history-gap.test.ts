import { describe, expect, test } from 'vitest';
import { EXPORT_CSV_HEADER, exportCsv } from '../../../lib/report/csv.ts';
import { buildExport, exportMarkdown } from '../../../lib/report/export.ts';
import { applyHistory } from '../../../lib/report/history.ts';
import { renderExportHtml } from '../../../lib/report/html/export.ts';
import type { Report } from '../../../lib/report/report.ts';
import { checkStoredReport } from '../../../lib/report/validate.ts';
import { reportProblem } from '../../../lib/store/local.ts';
import { imageDrift, makeReport, replicasDrift } from './fixtures.ts';

describe('a previous report that is not valid is recorded, and the export shows the gap it leaves', () => {
  test('the reason says what is wrong: not JSON, empty, a foreign schema, another cluster, a broken field', () => {
    expect(reportProblem('{', 'prod')).toBe('not JSON');
    expect(reportProblem('', 'prod')).toBe('empty');
    expect(reportProblem(JSON.stringify({ schemaVersion: '2.0', cluster: 'prod' }), 'prod')).toBe(
      'foreign schema: schemaVersion "2.0" is not 1.x',
    );
    expect(
      reportProblem(
        JSON.stringify({ cluster: 'staging', runId: 'r', generatedAt: '2026-10-01T00:00:00Z', drift: [] }),
        'prod',
      ),
    ).toBe('a report of another cluster (staging)');
    const valid = makeReport({ cluster: 'prod', at: '2026-10-01T00:00:00Z', drift: [imageDrift('web', 'web:2')] });
    expect(reportProblem(JSON.stringify({ ...valid, drift: 'not a list' }), 'prod')).toBe('drift: must be a list');
    expect(
      reportProblem(JSON.stringify({ ...valid, drift: [{ ...imageDrift('web', 'web:2'), kind: 7 }] }), 'prod'),
    ).toBe('drift[0].kind: must be a string');
    expect(
      reportProblem(JSON.stringify(makeReport({ cluster: 'prod', at: '2026-10-01T00:00:00Z' })), 'prod'),
    ).toBeUndefined();
  });

  test('the new report carries history.previous: invalid with why, and reads back with it', () => {
    const report = applyHistory(
      makeReport({ cluster: 'prod', at: '2026-10-02T00:00:00Z', drift: [imageDrift('web', 'web:2')] }),
      undefined,
      'not JSON',
    );
    expect(report.history?.previous).toEqual({ status: 'invalid', reason: 'not JSON' });
    expect(report.history?.counts.new).toBe(1);
    const readBack = checkStoredReport(JSON.parse(JSON.stringify(report)), 'prod');
    expect('report' in readBack ? readBack.report.history?.previous : undefined).toEqual({
      status: 'invalid',
      reason: 'not JSON',
    });
    expect(
      applyHistory(makeReport({ cluster: 'prod', at: '2026-10-03T00:00:00Z' }), report).history?.previous,
    ).toBeUndefined();
  });

  test('CSV, markdown and HTML name the gap; only items reported across it or gone just before it carry it', () => {
    const day = (n: number): string => `2026-10-0${n}T00:00:00Z`;
    const first = applyHistory(
      makeReport({ cluster: 'prod', at: day(1), drift: [imageDrift('web', 'web:2'), replicasDrift('api', 5)] }),
      undefined,
    );
    // The latest report after day 1 was corrupt: day 2 starts afresh; api's replicas are gone without a resolution.
    const second = applyHistory(
      makeReport({ cluster: 'prod', at: day(2), drift: [imageDrift('web', 'web:2')] }),
      undefined,
      'not JSON',
    );
    const third = applyHistory(
      makeReport({ cluster: 'prod', at: day(3), drift: [imageDrift('web', 'web:2'), imageDrift('shop-ui', 'ui:9')] }),
      second,
    );
    const period = buildExport('prod', [first, second, third] satisfies Report[]);
    expect(period.reports.map((report) => report.previousInvalid)).toEqual([undefined, 'not JSON', undefined]);
    const gapOf = (name: string): unknown => period.items.find((item) => item.name === name)?.historyGaps;
    expect(gapOf('web')).toEqual([{ at: day(2), reason: 'not JSON' }]);
    expect(gapOf('api')).toEqual([{ at: day(2), reason: 'not JSON' }]);
    expect(gapOf('shop-ui')).toBeUndefined();

    const rows = exportCsv(period).trimEnd().split('\r\n');
    expect(rows[0]?.split(',').at(-1)).toBe('history_gap');
    expect(EXPORT_CSV_HEADER.at(-1)).toBe('history_gap');
    expect(rows.filter((row) => row.endsWith(',2026-10-02T00:00:00Z previous report invalid (not JSON)'))).toHaveLength(
      2,
    );
    expect(exportMarkdown(period)).toContain('- 2026-10-02T00:00:00Z previous report invalid (not JSON)');
    const page = renderExportHtml(period);
    expect(page).toContain('1 history gap');
    expect(page).toContain('2026-10-02T00:00:00Z previous report invalid (not JSON)');
  });
});
