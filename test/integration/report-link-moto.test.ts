import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { presignReportLink, parseSignerSecret } from '../../lib/aws/report-link.ts';
import { defaultS3Client } from '../../lib/aws/s3-client.ts';
import { SecretReader } from '../../lib/aws/secrets.ts';
import { presignedUrlExpiry } from '../world/presigned.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * Report links on moto_server: signed with the dedicated signer's access key (an IAM user, its key in Secrets
 * Manager) they carry the configured lifetime; signed with temporary credentials they carry no more than those
 * credentials have left. The expiry is read back from the URL itself (X-Amz-Date + X-Amz-Expires).
 */
const REGION = 'us-east-1';
const BUCKET = 'driftwatch-links';
const KEY = 'reports/cluster=prod/dt=2026-12-03/20261203T100000Z-run1.json';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let world: World;
let endpoint: string;
let signerKeyId: string;
const secrets: { reader?: SecretReader } = {};

beforeAll(async () => {
  world = await startWorld({ kube: false, moto: true, slack: false });
  endpoint = world.env.AWS_ENDPOINT_URL ?? '';
  Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: REGION });
  const s3 = new S3Client({ region: REGION, endpoint, credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: '{"schemaVersion":"1.0"}' }));
  // What infra/iam.yml makes: the ReportLinkSigner user, its access key, the key as JSON in a secret.
  const iam = new IAMClient({ region: REGION, endpoint, credentials });
  await iam.send(new CreateUserCommand({ UserName: 'driftwatch-report-link-signer' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'driftwatch-report-link-signer' }))).AccessKey;
  signerKeyId = key?.AccessKeyId ?? '';
  const secretsClient = new SecretsManagerClient({ region: REGION, endpoint, credentials });
  await secretsClient.send(
    new CreateSecretCommand({
      Name: 'driftwatch/report-link-signer',
      SecretString: JSON.stringify({ accessKeyId: key?.AccessKeyId, secretAccessKey: key?.SecretAccessKey }),
    }),
  );
  secrets.reader = new SecretReader(secretsClient);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('report links', () => {
  test("signed with the signer's key from Secrets Manager, a link carries the whole configured lifetime and opens", async () => {
    const reader = secrets.reader;
    if (!reader) throw new Error('no secret reader');
    const signer = defaultS3Client(async () =>
      parseSignerSecret(await reader.read('driftwatch/report-link-signer'), 'driftwatch/report-link-signer'),
    );
    const now = new Date('2026-12-03T10:00:00.400Z');
    const link = await presignReportLink(signer, BUCKET, KEY, 7 * 24 * 3600, now);
    const carried = presignedUrlExpiry(link.url);
    expect(carried.accessKeyId).toBe(signerKeyId);
    expect(carried.signedAt).toBe('2026-12-03T10:00:00Z');
    expect(carried.expiresAt).toBe('2026-12-10T10:00:00Z');
    expect(link.expiresAt).toBe(carried.expiresAt);
    // Signed now, it opens (moto does not check signatures, but the URL is the one a reader gets).
    const fresh = await presignReportLink(signer, BUCKET, KEY, 3600, new Date());
    const response = await fetch(fresh.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"schemaVersion":"1.0"}');
  });

  test('signed with session credentials, a link carries no more than they have left, and says so', async () => {
    const now = new Date('2026-12-03T10:00:00Z');
    const expiration = new Date('2026-12-03T10:40:00Z');
    const session = new S3Client({
      region: REGION,
      endpoint,
      forcePathStyle: true,
      credentials: { ...credentials, sessionToken: 'session', expiration },
    });
    const link = await presignReportLink(session, BUCKET, KEY, 24 * 3600, now);
    const carried = presignedUrlExpiry(link.url);
    expect(carried.expiresSeconds).toBe(2400);
    expect(carried.expiresAt).toBe('2026-12-03T10:40:00Z');
    expect(link.expiresAt).toBe(carried.expiresAt);
    // Credentials that outlive the wish: the wish.
    const longer = await presignReportLink(session, BUCKET, KEY, 600, now);
    expect(presignedUrlExpiry(longer.url).expiresAt).toBe('2026-12-03T10:10:00Z');
    expect(longer.expiresAt).toBe('2026-12-03T10:10:00Z');
  });

  test('a signer secret that is not the JSON key pair is refused without its value', () => {
    expect(() => parseSignerSecret('AKIA-and-secret', 'driftwatch/report-link-signer')).toThrow(
      'secret driftwatch/report-link-signer is not JSON with accessKeyId and secretAccessKey',
    );
    expect(() => parseSignerSecret('{"accessKeyId":"AKIA"}', 'x')).not.toThrow(/AKIA/);
    expect(() => parseSignerSecret('{"accessKeyId":"AKIA"}', 'x')).toThrow();
  });
});
