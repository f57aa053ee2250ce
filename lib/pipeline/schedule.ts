import { randomUUID } from 'node:crypto';
import type { DriftwatchConfig } from '../config/load.ts';
import type { QueueRefusal, SendBatch } from '../aws/sqs.ts';
import { auditMessageBody } from '../aws/audit-message.ts';
import type { AuditMessage } from '../aws/audit-message.ts';

/** One message per cluster of the config, sharing a run id so the reports of one hour belong together. */
export function scheduleMessages(
  config: DriftwatchConfig,
  now: Date,
  runId: string = randomUUID().slice(0, 8),
): AuditMessage[] {
  return config.clusters.map((cluster) => ({ runId, cluster: cluster.name, scheduledAt: now.toISOString() }));
}

/** SQS takes at most 10 entries per SendMessageBatch. */
export const SQS_BATCH_SIZE = 10;

/**
 * Enqueues the audit messages in batches of at most ten. Every batch is sent even when the queue refuses entries of
 * an earlier one, so one refusal costs one cluster, not the rest of the run; refusals then fail the whole call with
 * their count and clusters. An error of a send itself stops at once.
 */
export async function enqueueAudits(send: SendBatch, messages: readonly AuditMessage[]): Promise<void> {
  const refused: string[] = [];
  for (let start = 0; start < messages.length; start += SQS_BATCH_SIZE) {
    const entries = messages
      .slice(start, start + SQS_BATCH_SIZE)
      .map((message, offset) => ({ id: String(start + offset), body: auditMessageBody(message) }));
    const { failed } = await send(entries);
    refused.push(...failed.map((refusal) => describeRefusal(messages, refusal)));
  }
  if (refused.length > 0) {
    throw new Error(
      `SQS refused ${refused.length} of ${messages.length} audit messages: ${refused.join(', ')}; the other clusters were enqueued`,
    );
  }
}

function describeRefusal(messages: readonly AuditMessage[], refusal: QueueRefusal): string {
  const cluster = /^\d+$/.test(refusal.id) ? messages[Number(refusal.id)]?.cluster : undefined;
  return `${cluster ? `cluster ${cluster}` : `entry ${refusal.id}`} (${refusal.code ?? 'no error code'})`;
}
