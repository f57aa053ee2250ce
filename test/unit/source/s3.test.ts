import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SourceError, openSource } from '../../../lib/source/open.ts';
import { tarGzOf } from './archives.ts';

// A stand-in S3 endpoint on loopback: just enough of GetObject for the real SDK client to talk to.
let server: Server;
let client: S3Client;

beforeAll(async () => {
  const archive = await tarGzOf([{ name: 'acme-deploy-abcdef1/app.yaml', content: 'kind: Service\n' }]);
  server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.startsWith('/bucket/releases/deploy.tar.gz')) {
      return void response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.length }).end(archive);
    }
    response.writeHead(404, { 'content-type': 'application/xml' });
    response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>missing</Message></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  client = new S3Client({
    endpoint: `http://127.0.0.1:${address.port}`,
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
    const error: unknown = await openSource('s3://bucket/nope.tar.gz', { s3Client: client }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SourceError);
    expect(String(error)).toContain('s3://bucket/nope.tar.gz: not found (NoSuchKey)');
  });

  test('a location without a key is refused', async () => {
    const error: unknown = await openSource('s3://bucket', { s3Client: client }).catch((reason: unknown) => reason);
    expect(String(error)).toContain('expected s3://bucket/key');
  });
});
