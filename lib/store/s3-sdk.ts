/**
 * The S3 part of the AWS SDK, loaded on first use: a CLI run that reads a folder or a local report store never needs
 * it, and loading it costs a large share of a short run's start and memory. Node caches the module after that.
 */
export function s3Sdk(): Promise<typeof import('@aws-sdk/client-s3')> {
  return import('@aws-sdk/client-s3');
}
