import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AwsCredentialIdentity } from '@smithy/types';

/** A report link and the moment it stops working (ISO 8601, whole seconds): what a notification promises. */
export interface ReportLink {
  url: string;
  expiresAt: string;
}

/** The most S3 allows for a SigV4 presigned URL. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * A presigned GetObject URL of `key` that lives `lifetimeSeconds` (at most 7 days), or less when the client's
 * credentials expire sooner: a URL signed with temporary credentials dies with them, so `X-Amz-Expires` is cut to
 * their expiration and the returned `expiresAt` is the real end of the link, never the configured wish.
 */
export async function presignReportLink(
  client: S3Client,
  bucket: string,
  key: string,
  lifetimeSeconds: number,
  now: Date,
): Promise<ReportLink> {
  const signingDate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const credentials = await client.config.credentials();
  let expiresIn = Math.min(Math.max(1, Math.floor(lifetimeSeconds)), MAX_PRESIGN_SECONDS);
  if (credentials.expiration) {
    const left = Math.floor((credentials.expiration.getTime() - signingDate.getTime()) / 1000);
    expiresIn = Math.max(1, Math.min(expiresIn, left));
  }
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn,
    signingDate,
  });
  return { url, expiresAt: new Date(signingDate.getTime() + expiresIn * 1000).toISOString().replace('.000Z', 'Z') };
}

/**
 * The report-link signer's access key, from its Secrets Manager secret: JSON `{"accessKeyId": …, "secretAccessKey": …}`
 * (what infra/iam.yml stores for the `ReportLinkSigner` user). Errors name the secret, never its value.
 */
export function parseSignerSecret(text: string, secretId: string): AwsCredentialIdentity {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`secret ${secretId} is not JSON with accessKeyId and secretAccessKey`);
  }
  if (typeof value === 'object' && value !== null && 'accessKeyId' in value && 'secretAccessKey' in value) {
    const { accessKeyId, secretAccessKey } = value;
    if (
      typeof accessKeyId === 'string' &&
      typeof secretAccessKey === 'string' &&
      accessKeyId !== '' &&
      secretAccessKey !== ''
    )
      return { accessKeyId, secretAccessKey };
  }
  throw new Error(`secret ${secretId} is not JSON with accessKeyId and secretAccessKey`);
}
