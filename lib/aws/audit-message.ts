import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { schemaProblem } from '../io/schema-problem.ts';
import auditMessageSchemaJson from './audit-message.schema.json' with { type: 'json' };

/*
 * The audit queue's message, described once by audit-message.schema.json. Its own file, not sqs.ts: the audit
 * function reads messages without the SQS client in its bundle (Lambda hands it the records).
 */

/** One SQS message: audit this cluster as part of this run. */
export interface AuditMessage {
  runId: string;
  cluster: string;
  scheduledAt?: string;
}

/** audit-message.schema.json. */
export const auditMessageSchema: Readonly<Record<string, unknown>> = auditMessageSchemaJson;

let compiled: ValidateFunction<AuditMessage> | undefined;

function messageValidator(): ValidateFunction<AuditMessage> {
  // Compiled on first use, once per process (a warm Lambda reuses it for every record).
  compiled ??= new Ajv2020({ strict: true, allErrors: false }).compile<AuditMessage>(auditMessageSchema);
  return compiled;
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
  const validate = messageValidator();
  if (!validate(parsed)) throw new Error(`audit message: ${schemaProblem(validate.errors ?? [])}`);
  const { runId, cluster, scheduledAt } = parsed;
  return scheduledAt === undefined ? { runId, cluster } : { runId, cluster, scheduledAt };
}

/** The SQS body of a message (what parseAuditMessage reads back). */
export function auditMessageBody(message: AuditMessage): string {
  return JSON.stringify(message);
}
