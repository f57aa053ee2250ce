import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { openCliSource } from '../../../lib/cli/open-source.ts';
import { SourceError, openSource } from '../../../lib/source/open.ts';
import { tarGzOf } from './archives.ts';

// A stand-in S3 endpoint on loopback: just enough of GetObject for the real SDK client to talk to.
let server: Server;
let client: S3Client;
let endpoint: string;

beforeAll(async () => {
  const archive = await tarGzOf([{ name: 'acme-deploy-abcdef1/app.yaml', content: 'kind: Service\n' }]);
  server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.startsWith('/bucket/releases/deploy.tar.gz')) {
      return void response
        .writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.length })
        .end(archive);
    }
    response.writeHead(404, { 'content-type': 'application/xml' });
    response.end(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>missing</Message></Error>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  endpoint = `http://127.0.0.1:${address.port}`;
  client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client.destroy();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
});

describe('s3 source', () => {
  test('reads s3://bucket/key through the given client', async () => {
    const tree = await openSource('s3://bucket/releases/deploy.tar.gz', { s3Client: client });
    expect(tree.location).toBe('s3://bucket/releases/deploy.tar.gz');
    expect(tree.commit).toBe('abcdef1');
    expect(tree.files.map((file) => file.path)).toEqual(['app.yaml']);
  });

  test('a missing key is a SourceError saying not found', async () => {
    const error: unknown = await openSource('s3://bucket/nope.tar.gz', { s3Client: client }).catch(
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(SourceError);
    expect(String(error)).toContain('s3://bucket/nope.tar.gz: not found (NoSuchKey)');
  });

  test('a location without a key is refused', async () => {
    const error: unknown = await openSource('s3://bucket', { s3Client: client }).catch((reason: unknown) => reason);
    expect(String(error)).toContain('expected s3://bucket/key');
  });
});

describe('s3 source without a client', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  test('the source folder does not make one: opening s3:// without a client is a SourceError', async () => {
    const error: unknown = await openSource('s3://bucket/releases/deploy.tar.gz').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SourceError);
    expect(String(error)).toContain('s3://bucket/releases/deploy.tar.gz: no S3 client to read it with');
  });

  test('the CLI gives an s3:// source the default client (endpoint, region and credentials from the environment)', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const tree = await openCliSource('s3://bucket/releases/deploy.tar.gz', {});
    expect(tree.commit).toBe('abcdef1');
    expect(tree.files.map((file) => file.path)).toEqual(['app.yaml']);
  });
});
