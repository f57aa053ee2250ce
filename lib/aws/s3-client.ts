import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Default client (or one signing with `credentials`: the report-link signer): region and credentials from the environment; `AWS_ENDPOINT_URL(_S3)` is honoured by the SDK, and
 * with a custom endpoint (moto, MinIO) path-style addressing is used because bucket subdomains rarely resolve there.
 */
export function defaultS3Client(credentials?: AwsCredentialIdentityProvider): S3Client {
  const customEndpoint = process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'];
  return new S3Client({ ...(customEndpoint ? { forcePathStyle: true } : {}), ...(credentials ? { credentials } : {}) });
}
