import { schemaProblem } from '../io/schema-problem.ts';
import validateMessage from './audit-message.validate.js';

/*
 * The audit queue's message, described once by audit-message.schema.json and validated by the module ajv compiles
 * from it ahead of time (audit-message.validate.js, from bin/generate-validators.ts). Its own file, not sqs.ts: the
 * audit function reads messages without the SQS client in its bundle (Lambda hands it the records).
 */

/** One SQS message: audit this cluster as part of this run. */
export interface AuditMessage {
  runId: string;
  cluster: string;
  scheduledAt?: string;
}

/**
 * The message in an SQS body; a poison message fails with the field that is wrong (`audit message: cluster:
 * required`) and lands in the DLQ after its retries. The error never quotes the body.
 */
export function parseAuditMessage(body: string): AuditMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error('audit message is not JSON');
  }
  if (!validateMessage(parsed)) throw new Error(`audit message: ${schemaProblem(validateMessage.errors ?? [])}`);
  const { runId, cluster, scheduledAt } = parsed;
  return scheduledAt === undefined ? { runId, cluster } : { runId, cluster, scheduledAt };
}

/** The SQS body of a message (what parseAuditMessage reads back). */
export function auditMessageBody(message: AuditMessage): string {
  return JSON.stringify(message);
}
