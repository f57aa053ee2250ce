import { randomUUID } from 'node:crypto';
import type { DriftwatchConfig } from '../config/load.ts';
import type { AuditMessage } from './publish.ts';

/** One message per cluster of the config, sharing a run id so the reports of one hour belong together. */
export function scheduleMessages(config: DriftwatchConfig, now: Date, runId: string = randomUUID().slice(0, 8)): AuditMessage[] {
  return config.clusters.map((cluster) => ({ runId, cluster: cluster.name, scheduledAt: now.toISOString() }));
}

/** Parses an SQS message body; a poison message fails with a clear reason (and lands in the DLQ after retries). */
export function parseAuditMessage(body: string): AuditMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error('audit message is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error('audit message is not an object');
  const runId: unknown = Reflect.get(parsed, 'runId');
  const cluster: unknown = Reflect.get(parsed, 'cluster');
  const scheduledAt: unknown = Reflect.get(parsed, 'scheduledAt');
  if (typeof runId !== 'string' || typeof cluster !== 'string') throw new Error('audit message needs string fields runId and cluster');
  return typeof scheduledAt === 'string' ? { runId, cluster, scheduledAt } : { runId, cluster };
}
