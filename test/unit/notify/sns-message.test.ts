import { describe, expect, test } from 'vitest';
import type { NotificationDecision } from '../../../lib/notify/decide.ts';
import { notificationFor } from '../../../lib/notify/decide.ts';
import type { SnsBody } from '../../../lib/notify/sns-body.ts';
import { SNS_BODY_BUDGET } from '../../../lib/notify/sns-body.ts';
import { buildSnsMessage, snsSubject } from '../../../lib/notify/sns.ts';
import type { Report } from '../../../lib/report/report.ts';
import {
  PERSISTING,
  extra,
  finding,
  hugeReport,
  imageChange,
  missing,
  modified,
  report,
  resolvedDrift,
  withResolved,
} from './fixtures.ts';

function decided(input: Report): NotificationDecision {
  const decision = notificationFor(input);
  if (!decision) throw new Error('expected a notification');
  return decision;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

describe('buildSnsMessage', () => {
  test('subject, attributes and body of an ordinary run', () => {
    const input = withResolved(report([modified([imageChange('web:2')]), missing('db'), extra('Role', 'debug')]), [
      resolvedDrift('api'),
    ]);
    const message = buildSnsMessage(input, decided(input), {
      reportUrl: 'https://bucket/r.json?sig=1',
      reportKey: 'reports/prod-eu/run-1.json',
    });
    expect(message.Subject).toBe('driftwatch prod-eu: 3 new drift, 1 resolved');
    expect(message.MessageAttributes).toEqual({
      cluster: { DataType: 'String', StringValue: 'prod-eu' },
      status: { DataType: 'String', StringValue: 'drift' },
      highestSeverity: { DataType: 'String', StringValue: 'high' },
      new: { DataType: 'Number', StringValue: '3' },
      resolved: { DataType: 'Number', StringValue: '1' },
      modified: { DataType: 'Number', StringValue: '1' },
      missing: { DataType: 'Number', StringValue: '1' },
      extra: { DataType: 'Number', StringValue: '1' },
    });
    const body = JSON.parse(message.Message) as SnsBody;
    expect(body).toMatchObject({
      cluster: 'prod-eu',
      runId: 'run-1',
      status: 'drift',
      summary: '3 new drift, 1 resolved',
      highestSeverity: 'high',
    });
    expect(body.report).toEqual({ url: 'https://bucket/r.json?sig=1', key: 'reports/prod-eu/run-1.json' });
    expect(body.newItems).toMatchObject({ total: 3, omitted: 0 });
    expect(body.newItems.drift).toContainEqual(
      expect.objectContaining({
        kind: 'Deployment',
        name: 'web',
        path: '/spec/template/spec/containers/name=web/image',
        declared: 'web:1',
        live: 'web:2',
        manager: 'kubectl-edit',
      }),
    );
    expect(body.resolved).toMatchObject({
      total: 1,
      omitted: 0,
      items: [expect.objectContaining({ name: 'api', path: '/spec/replicas' })],
    });
    expect(body.scan).toBeUndefined();
  });

  test('status is incomplete for a scan that stopped, clean once everything resolved', () => {
    const stopped = report([modified([imageChange('web:2', PERSISTING)])]);
    stopped.scan = { ...stopped.scan, complete: false, error: 'connect ETIMEDOUT' };
    const message = buildSnsMessage(stopped, decided(stopped));
    expect(message.MessageAttributes['status']?.StringValue).toBe('incomplete');
    expect(message.Subject).toBe('driftwatch prod-eu: scan incomplete');
    expect((JSON.parse(message.Message) as SnsBody).scan).toMatchObject({
      complete: false,
      error: 'connect ETIMEDOUT',
    });

    const clean = withResolved(report([]), [resolvedDrift('api')]);
    const cleanMessage = buildSnsMessage(clean, decided(clean));
    expect(cleanMessage.MessageAttributes['status']?.StringValue).toBe('clean');
    expect(cleanMessage.MessageAttributes['highestSeverity']?.StringValue).toBe('none');
  });

  test('the subject is printable ASCII under 100 characters, even with a unicode cluster name and long counts', () => {
    const names = ['prod-äöü-日本-🚀', 'prød\neu\tbeta', `cluster-${'ж'.repeat(300)}`, `${'x'.repeat(300)}`];
    for (const cluster of names) {
      const input = report([modified([imageChange('web:2')])], {
        cluster,
        findings: Array.from({ length: 123_456 }, () => finding('info')),
      });
      const subject = buildSnsMessage(input, decided(input)).Subject;
      expect(subject).toMatch(PRINTABLE_ASCII);
      expect(subject.length).toBeLessThan(100);
      expect(subject).toContain('1 new drift, 123456 new findings');
    }
    expect(snsSubject('prod-äöü-日本', '1 new drift')).toBe('driftwatch prod-aou-__: 1 new drift');
    const long = snsSubject('c'.repeat(500), '999999 new drift, 999999 new findings, 999999 resolved, scan incomplete');
    expect(long.length).toBeLessThan(100);
    expect(long).toMatch(PRINTABLE_ASCII);
  });

  test('a huge report (5,000 changes) gives a body well under 256 KB, with the rest counted as omitted', () => {
    const input = hugeReport(500, 10);
    const message = buildSnsMessage(input, decided(input), { reportKey: 'reports/x.json' });
    const bytes = Buffer.byteLength(message.Message, 'utf8');
    expect(bytes).toBeLessThanOrEqual(SNS_BODY_BUDGET);
    const body = JSON.parse(message.Message) as SnsBody;
    expect(body.newItems.total).toBe(5500);
    expect(body.newItems.drift.length).toBeGreaterThan(0);
    expect(body.newItems.omitted).toBe(5500 - body.newItems.drift.length - body.newItems.findings.length);
    expect(body.resolved.total).toBe(500);
    expect(body.report.key).toBe('reports/x.json');
    expect(message.MessageAttributes['new']?.StringValue).toBe('5500');
    expect(message.Subject.length).toBeLessThan(100);
  });
});
