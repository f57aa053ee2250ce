import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lazilyLoaded } from '../lib/aws/lazy.ts';
import { parseReportLinkSeconds } from '../lib/pipeline/env.ts';
import type { AuditSettings } from './audit-records.ts';
import { logger } from './observability.ts';

/**
 * Read at cold start: a bad REPORT_LINK_SECONDS fails the deployment's first invocation with the variable's name, and
 * each execution environment keeps the settings it started with.
 */
const settings: AuditSettings = {
  linkExpiresSeconds: parseReportLinkSeconds(process.env['REPORT_LINK_SECONDS']),
  linkSignerSecretId: process.env['REPORT_LINK_SIGNER_SECRET_ID'],
};

/*
 * Init stays small (issue 12: ≤ 200 ms): the SDK clients, the Kubernetes client and the audit engine are in
 * ./audit-records.ts, imported at the first batch. In the bundle esbuild keeps that module unevaluated until then
 * (bench/lambda-init.ts measures it).
 */
const auditRecords = lazilyLoaded(async () => (await import('./audit-records.ts')).createAuditRecords(settings));

/** SQS → one cluster per record (functions/audit-records.ts). */
async function auditBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return (await auditRecords())(event, context);
}

export const handler = middy(auditBatch).use(injectLambdaContext(logger));
