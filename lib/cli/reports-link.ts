import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describeKey, s3ObjectKey } from '../store/read.ts';
import { SHA256_METADATA } from '../store/s3.ts';
import { EXIT } from './exit.ts';
import { UsageError } from './run-options.ts';
import type { StoreFlags } from './reports-store.ts';
import { resolveReport, storeFor } from './reports-store.ts';

export interface LinkFlags extends StoreFlags {
  at?: Date;
  /** Seconds the URL stays valid. */
  expires: number;
}

/**
 * `reports link`: a presigned GetObject URL of one dated report, for a reviewer without AWS access. It points at the
 * immutable dated object, never at `latest/`, so the link keeps showing what was reviewed. The SHA-256 goes to stderr
 * so the reviewer can check the download.
 */
export async function runLink(cluster: string, flags: LinkFlags): Promise<number> {
  const store = await storeFor(flags);
  if (store.type !== 's3') {
    throw new UsageError(
      `links need an S3 store (--store s3://bucket/prefix); ${store.folder} is a local folder: share the report file itself`,
    );
  }
  const { key } = await resolveReport(store, cluster, flags.at);
  const Bucket = store.destination.bucket;
  const Key = s3ObjectKey(store.destination, key);
  const head = await store.client.send(new HeadObjectCommand({ Bucket, Key }));
  const url = await getSignedUrl(store.client, new GetObjectCommand({ Bucket, Key }), { expiresIn: flags.expires });
  const expiresAt = new Date(Date.now() + flags.expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  process.stderr.write(`driftwatch: ${describeKey(store, key)}\n`);
  const sha256 = head.Metadata?.[SHA256_METADATA];
  if (sha256) process.stderr.write(`driftwatch: sha256 ${sha256}\n`);
  process.stderr.write(
    `driftwatch: link valid until ${expiresAt} (and no longer than the credentials that signed it); anyone holding it can read this report\n`,
  );
  process.stdout.write(`${url}\n`);
  return EXIT.clean;
}
