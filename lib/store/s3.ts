import { createHash } from 'node:crypto';
import { s3Sdk } from './s3-sdk.ts';
import type { S3Client, ServerSideEncryption } from '@aws-sdk/client-s3';
import type { Report } from '../report/report.ts';
import type { ReportKeys } from './layout.ts';
import { findingsLines, latestKey, reportBody, reportKeys, stateKey } from './layout.ts';
import { parseReport, reportProblem } from './local.ts';

export interface S3Destination {
  bucket: string;
  /** Key prefix without leading or trailing slash; empty for the bucket root. */
  prefix: string;
}

export interface S3StoreOptions {
  /** KMS key for SSE-KMS; without it objects use SSE-S3 (AES256). */
  kmsKeyId?: string;
}

/** Metadata key holding the hex SHA-256 of the object body, checked when a report is downloaded. */
export const SHA256_METADATA = 'sha256';

export function parseS3Destination(url: string): S3Destination {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match?.[1]) throw new Error(`not an s3://bucket/prefix destination: ${url}`);
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

function withPrefix(destination: S3Destination, key: string): string {
  return destination.prefix ? `${destination.prefix}/${key}` : key;
}

export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

async function put(
  client: S3Client,
  destination: S3Destination,
  key: string,
  body: string,
  contentType: string,
  options: S3StoreOptions,
): Promise<void> {
  const encryption: { ServerSideEncryption: ServerSideEncryption; SSEKMSKeyId?: string } = options.kmsKeyId
    ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyId }
    : { ServerSideEncryption: 'AES256' };
  const { PutObjectCommand } = await s3Sdk();
  await client.send(
    new PutObjectCommand({
      Bucket: destination.bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      Metadata: { [SHA256_METADATA]: sha256Hex(body) },
      ...encryption,
    }),
  );
}

/** The keys of a report in this destination (with prefix). */
export function s3ReportKeys(destination: S3Destination, report: Report): ReportKeys {
  const keys = reportKeys(report.cluster, report.generatedAt, report.runId);
  return {
    report: withPrefix(destination, keys.report),
    findings: withPrefix(destination, keys.findings),
    latest: withPrefix(destination, keys.latest),
  };
}

/** Writes the dated report and its newline-delimited copy; the latest copy is a separate step (see putLatestS3). */
export async function putReportS3(
  client: S3Client,
  destination: S3Destination,
  report: Report,
  options: S3StoreOptions = {},
): Promise<ReportKeys> {
  const keys = s3ReportKeys(destination, report);
  await put(client, destination, keys.report, reportBody(report), 'application/json', options);
  await put(client, destination, keys.findings, findingsLines(report), 'application/x-ndjson', options);
  return keys;
}

/**
 * Makes the report the one the next run compares with. Written last, after notifying: if notifying fails and the
 * message is retried, the retry still sees the older report and notifies again instead of staying silent.
 */
export async function putLatestS3(
  client: S3Client,
  destination: S3Destination,
  report: Report,
  options: S3StoreOptions = {},
): Promise<void> {
  await put(
    client,
    destination,
    s3ReportKeys(destination, report).latest,
    reportBody(report),
    'application/json',
    options,
  );
}

/** The latest report of a cluster, or undefined when there is none yet. */
export async function getLatestReportS3(
  client: S3Client,
  destination: S3Destination,
  cluster: string,
  onInvalid?: (where: string, reason: string) => void,
): Promise<Report | undefined> {
  return getReportS3(client, destination.bucket, withPrefix(destination, latestKey(cluster)), cluster, onInvalid);
}

/** The report stored at this key (with prefix), or undefined when there is none; `parse` picks how much of it. */
export async function getReportS3(
  client: S3Client,
  bucket: string,
  key: string,
  cluster: string,
  onInvalid?: (where: string, reason: string) => void,
  parse: (text: string, cluster: string) => Report | undefined = parseReport,
): Promise<Report | undefined> {
  const text = await getTextS3(client, bucket, key);
  if (text === undefined) return undefined;
  const report = parse(text, cluster);
  if (!report) onInvalid?.(`s3://${bucket}/${key}`, reportProblem(text, cluster) ?? 'not a complete report');
  return report;
}

/** An object's body as text, or undefined when there is no such key. */
export async function getTextS3(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  const { GetObjectCommand, NoSuchKey } = await s3Sdk();
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey')) return undefined;
    throw error;
  }
}

/** Where a cluster's delivery state is kept (see lib/pipeline/delivery.ts). */
export function s3StateKey(destination: S3Destination, cluster: string): string {
  return withPrefix(destination, stateKey(cluster));
}

/** Writes a small JSON object of driftwatch's own (delivery state), encrypted like the reports. */
export async function putJsonS3(
  client: S3Client,
  destination: S3Destination,
  key: string,
  body: string,
  options: S3StoreOptions = {},
): Promise<void> {
  await put(client, destination, key, body, 'application/json', options);
}
