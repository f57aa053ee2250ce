import { describe, expect, test } from 'vitest';
import type { AuditMessage } from '../../../lib/aws/audit-message.ts';
import { enqueueAudits } from '../../../lib/pipeline/schedule.ts';
import type { QueueEntry, QueueRefusal, SendBatch } from '../../../lib/aws/sqs.ts';

function messages(count: number): AuditMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    runId: 'run-1',
    cluster: `c-${String(index).padStart(2, '0')}`,
    scheduledAt: '2026-11-20T10:00:00.000Z',
  }));
}

/** A queue that records every batch and refuses the entries whose id it is told to. */
function fakeQueue(refuse: Record<string, string> = {}): { send: SendBatch; batches: QueueEntry[][] } {
  const batches: QueueEntry[][] = [];
  const send: SendBatch = async (entries) => {
    batches.push([...entries]);
    const failed: QueueRefusal[] = entries
      .filter((entry) => entry.id in refuse)
      .map((entry) => ({ id: entry.id, code: refuse[entry.id] ?? '' }));
    return { failed };
  };
  return { send, batches };
}

describe('enqueueAudits', () => {
  test('25 clusters go out as 3 batches of at most 10, every message once, ids unique', async () => {
    const queue = fakeQueue();
    await enqueueAudits(queue.send, messages(25));
    expect(queue.batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    const entries = queue.batches.flat();
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(25);
    expect(entries.map((entry) => (JSON.parse(entry.body) as AuditMessage).cluster)).toEqual(
      messages(25).map((message) => message.cluster),
    );
  });

  test('no clusters: nothing is sent', async () => {
    const queue = fakeQueue();
    await enqueueAudits(queue.send, []);
    expect(queue.batches).toEqual([]);
  });

  test('a refused entry fails the call with the count and the cluster, after every batch was still sent', async () => {
    const queue = fakeQueue({ '3': 'InternalError' });
    await expect(enqueueAudits(queue.send, messages(25))).rejects.toThrow(
      'SQS refused 1 of 25 audit messages: cluster c-03 (InternalError)',
    );
    expect(queue.batches).toHaveLength(3);
  });

  test('refusals in several batches are all counted', async () => {
    const queue = fakeQueue({ '0': 'ThrottlingException', '12': 'ThrottlingException', '24': 'InternalError' });
    await expect(enqueueAudits(queue.send, messages(25))).rejects.toThrow(
      /SQS refused 3 of 25 audit messages: cluster c-00 .*cluster c-12 .*cluster c-24 \(InternalError\)/,
    );
  });

  test('an error of a send itself stops the run at once', async () => {
    let calls = 0;
    const send: SendBatch = async () => {
      calls += 1;
      throw new Error('network down');
    };
    await expect(enqueueAudits(send, messages(25))).rejects.toThrow('network down');
    expect(calls).toBe(1);
  });
});
