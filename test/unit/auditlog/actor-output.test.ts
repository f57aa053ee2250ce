import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import type { Actor } from '../../../lib/auditlog/index.ts';
import { notificationFor } from '../../../lib/notify/decide.ts';
import { buildSlackMessage } from '../../../lib/notify/slack.ts';
import { buildSnsMessage } from '../../../lib/notify/sns.ts';
import { EXPORT_CSV_HEADER, exportCsv } from '../../../lib/report/csv.ts';
import { buildExport } from '../../../lib/report/export.ts';
import { formatReport } from '../../../lib/report/format.ts';
import { renderHtml } from '../../../lib/report/html/report.ts';
import type { Report } from '../../../lib/report/report.ts';
import { checkStoredReport } from '../../../lib/report/validate.ts';
import { extraRole, imageDrift, makeReport, missingConfigMap } from '../reports/fixtures.ts';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../lib/report/report.schema.json'), 'utf8'),
) as object;

function actor(username: string, verb: Actor['verb'], time: string, extra: Partial<Actor> = {}): Actor {
  return { username, verb, time, auditId: `id-${username}`, ...extra };
}

/** The fixtures' drift with actors, as withActors leaves it. */
function attributedReport(): Report {
  const image = imageDrift('web', 'web:hotfix');
  const [change] = image.changes ?? [];
  if (!change) throw new Error('fixture without a change');
  const report = makeReport({
    cluster: 'prod',
    at: '2026-11-05T00:00:00.000Z',
    drift: [
      {
        ...image,
        changes: [
          {
            ...change,
            actor: actor('alice@example.com', 'patch', '2026-11-01T09:00:00.412345Z', {
              impersonatedBy: 'admin',
              groups: ['system:masters'],
              sourceIPs: ['10.0.0.7'],
              userAgent: 'kubectl/v1.34.4',
            }),
          },
        ],
      },
      { ...missingConfigMap('doomed'), actor: actor('dave@example.com', 'delete', '2026-11-04T11:00:00.123456Z') },
      { ...extraRole('handmade'), actor: actor('erin@example.com', 'create', '2026-11-03T08:00:00.5Z') },
    ],
  });
  return {
    ...report,
    scan: { ...report.scan, auditLog: { source: 'file audit.log', events: 12, matched: 3, unmatched: 0 } },
  };
}

describe('the person behind a change, in every output', () => {
  test('the report validates against the schema, and a stored one is still read', () => {
    const report = attributedReport();
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
    expect(
      validate({ ...report, scan: { ...report.scan, auditLog: { source: 'not configured' } } }),
      JSON.stringify(validate.errors),
    ).toBe(true);
    expect(checkStoredReport(JSON.parse(JSON.stringify(report)), 'prod')).toHaveProperty('report');
  });

  test('table and markdown', () => {
    for (const format of ['table', 'markdown'] as const) {
      const text = formatReport(attributedReport(), format, { color: false });
      expect(text).toContain('kubectl-set by alice@example.com at 2026-11-01T09:00:00Z');
      expect(text).toContain('deleted by dave@example.com at 2026-11-04T11:00:00Z');
      expect(text).toContain('kubectl-create by erin@example.com at 2026-11-03T08:00:00Z');
    }
  });

  test('CSV changed_by and HTML', () => {
    const csv = exportCsv(buildExport('prod', [attributedReport()]));
    const column = EXPORT_CSV_HEADER.indexOf('changed_by');
    const cells = csv
      .split('\r\n')
      .slice(1, -1)
      .map((row) => row.split(',')[column]);
    expect(cells).toEqual(
      expect.arrayContaining([
        'kubectl-set by alice@example.com',
        'deleted by dave@example.com',
        'kubectl-create by erin@example.com',
      ]),
    );
    const html = renderHtml(attributedReport());
    expect(html).toContain('by <b>alice@example.com</b>');
    expect(html).toContain('Deleted by <b>dave@example.com</b>');
  });

  test('Slack and SNS name the person', () => {
    const report = attributedReport();
    const decision = notificationFor(report);
    if (!decision) throw new Error('expected a notification');
    const slack = JSON.stringify(buildSlackMessage(report, decision, {}));
    expect(slack).toContain('kubectl-set by alice@example.com');
    expect(slack).toContain('deleted by dave@example.com');
    expect(JSON.stringify(buildSnsMessage(report, decision, {}))).toMatch(/changedBy\\*":\\*"alice@example\.com/);
  });
});
