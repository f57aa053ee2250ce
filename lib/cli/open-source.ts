import { openSource } from '../source/open.ts';
import type { OpenSourceOptions } from '../source/open.ts';
import type { SourceTree } from '../source/types.ts';

const S3_LOCATION = /^s3:\/\//i;

/**
 * Opens a --source (or the config's source) for the CLI: an `s3://` source gets the default S3 client (region and
 * credentials from the environment), whose SDK loads only then; every other source opens without AWS.
 */
export async function openCliSource(location: string, options: OpenSourceOptions): Promise<SourceTree> {
  if (!S3_LOCATION.test(location) || options.s3Client !== undefined) return openSource(location, options);
  const { defaultS3Client } = await import('../aws/s3-client.ts');
  return openSource(location, { ...options, s3Client: defaultS3Client() });
}
