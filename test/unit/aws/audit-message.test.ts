import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import type { AuditMessage } from '../../../lib/aws/audit-message.ts';
import auditMessageSchemaJson from '../../../lib/aws/audit-message.schema.json' with { type: 'json' };
import { auditMessageBody, parseAuditMessage } from '../../../lib/aws/audit-message.ts';
import { loadConfig } from '../../../lib/config/load.ts';
import { enqueueAudits, scheduleMessages } from '../../../lib/pipeline/schedule.ts';
import type { QueueEntry } from '../../../lib/aws/sqs.ts';

const auditMessageSchema: Record<string, unknown> = auditMessageSchemaJson;

type KeysOf<T> = T extends unknown ? keyof T & string : never;

/** The listed field names, which must be exactly the fields of T (a type error otherwise). */
function fields<T>() {
  return <const Listed extends readonly KeysOf<T>[]>(
    listed: Listed &
      ([Exclude<KeysOf<T>, Listed[number]>] extends [never]
        ? unknown
        : { missing: Exclude<KeysOf<T>, Listed[number]> }),
  ): readonly string[] => listed;
}

/** What the schedule function sends for the example config, through the real builders. */
async function sentBodies(): Promise<string[]> {
  const config = await loadConfig(join(import.meta.dirname, '../../../examples/driftwatch.yaml'), {});
  const sent: QueueEntry[] = [];
  await enqueueAudits(
    async (entries) => {
      sent.push(...entries);
      return { failed: [] };
    },
    scheduleMessages(config, new Date('2026-11-20T10:00:00.123Z'), 'run-1'),
  );
  return sent.map((entry) => entry.body);
}

describe('the audit queue message', () => {
  test('the schema lists exactly the fields of AuditMessage', () => {
    const properties = auditMessageSchema['properties'];
    expect(Object.keys(typeof properties === 'object' && properties !== null ? properties : {}).sort()).toEqual(
      [...fields<AuditMessage>()(['runId', 'cluster', 'scheduledAt'])].sort(),
    );
  });

  test('what the schedule function sends is valid, with no undescribed field, and reads back as sent', async () => {
    const validate = new Ajv2020({ strict: true }).compile({ ...auditMessageSchema, additionalProperties: false });
    const bodies = await sentBodies();
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(validate(JSON.parse(body)), JSON.stringify(validate.errors)).toBe(true);
      expect(auditMessageBody(parseAuditMessage(body))).toBe(body);
    }
    expect(parseAuditMessage(bodies[0] ?? '')).toMatchObject({
      runId: 'run-1',
      scheduledAt: '2026-11-20T10:00:00.123Z',
    });
  });

  test('scheduledAt is optional, and a field a later version adds is read past', () => {
    expect(parseAuditMessage('{"runId":"r","cluster":"prod"}')).toEqual({ runId: 'r', cluster: 'prod' });
    expect(parseAuditMessage('{"runId":"r","cluster":"prod","priority":1}')).toEqual({ runId: 'r', cluster: 'prod' });
  });

  test.each([
    ['not JSON', '{', 'audit message is not JSON'],
    ['a list', '[]', 'audit message: must be an object'],
    ['no cluster', '{"runId":"r"}', 'audit message: cluster: required'],
    ['a runId that is no string', '{"runId":7,"cluster":"prod"}', 'audit message: runId: must be a string'],
    ['an empty cluster', '{"runId":"r","cluster":""}', 'audit message: cluster: must not be empty'],
    [
      'a scheduledAt that is no time',
      '{"runId":"r","cluster":"prod","scheduledAt":"now"}',
      'audit message: scheduledAt: must match ^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$',
    ],
  ])('%s: refused with the field that is wrong', (_name, body, reason) => {
    expect(() => parseAuditMessage(body)).toThrow(new Error(reason));
  });

  test('the error never quotes the body', () => {
    expect(() => parseAuditMessage('{"runId":"r","cluster":{"token":"hunter2"}}')).toThrow(
      /^audit message: cluster: must be a string$/,
    );
  });
});
