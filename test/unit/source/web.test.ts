import { createServer } from 'node:http';
import type { IncomingHttpHeaders, RequestListener, Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSource } from '../../../lib/source/open.ts';
import { tarGzOf, zipOf } from './archives.ts';
import { openError } from './open-error.ts';

const TOKEN = 'glpat-very-secret-token';
const COMMIT = '89abcdef0123456789abcdef0123456789abcdef';

interface TestServer {
  server: Server;
  base: string;
  requests: Array<{ path: string; headers: IncomingHttpHeaders }>;
}

async function listen(handler: RequestListener): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return { server, base: `http://127.0.0.1:${address.port}`, requests };
}

async function close(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections(); // fetch keeps connections alive; do not wait for them to time out
  await closed;
}

let origin: TestServer;
let elsewhere: TestServer;
let tarGz: Buffer;
let zip: Buffer;

beforeAll(async () => {
  tarGz = await tarGzOf([{ name: 'repo/app.yaml', content: 'kind: Service\n' }], { paxComment: COMMIT });
  zip = zipOf([{ name: 'group-repo-main/app.yaml', content: 'kind: Service\n' }]);
  elsewhere = await listen((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/gzip' }).end(tarGz);
  });
  origin = await listen((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/repo.tar.gz') {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return void response.writeHead(401).end('no');
      return void response.writeHead(200, { 'content-type': 'application/gzip' }).end(tarGz);
    }
    if (path === '/api/v4/projects/7/repository/archive') {
      if (request.headers['private-token'] !== TOKEN) return void response.writeHead(401).end();
      return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(zip);
    }
    if (path === '/basic.tar.gz') {
      const expected = `Basic ${Buffer.from(`deploy:${TOKEN}`).toString('base64')}`;
      if (request.headers.authorization !== expected) return void response.writeHead(401).end();
      return void response.writeHead(200).end(tarGz);
    }
    if (path === '/moved') return void response.writeHead(302, { location: '/repo.tar.gz' }).end();
    if (path === '/cdn') return void response.writeHead(302, { location: `${elsewhere.base}/signed.tar.gz` }).end();
    if (path === '/endless') {
      response.writeHead(200, { 'content-type': 'application/gzip' });
      response.write(Buffer.alloc(64 * 1024));
      response.write(Buffer.alloc(64 * 1024));
      return void response.end();
    }
    response.writeHead(404).end();
  });
});

afterAll(async () => {
  await close(origin.server);
  await close(elsewhere.server);
});

describe('https source (served over loopback http)', () => {
  test('sends the token as Authorization: Bearer by default and reports the URL without its query', async () => {
    const tree = await openSource(`${origin.base}/repo.tar.gz?ref=main&private_token=${TOKEN}`, { token: TOKEN });
    expect(tree.location).toBe(`${origin.base}/repo.tar.gz`);
    expect(tree.commit).toBe(COMMIT);
    expect(tree.files.map((file) => file.path)).toEqual(['app.yaml']);
  });

  test('sends the token in a configured header (GitLab PRIVATE-TOKEN) and detects a zip by its magic bytes', async () => {
    const tree = await openSource(`${origin.base}/api/v4/projects/7/repository/archive?sha=main`, {
      token: TOKEN,
      tokenHeader: 'PRIVATE-TOKEN',
    });
    expect(tree.files.map((file) => file.path)).toEqual(['app.yaml']);
    const request = origin.requests.at(-1);
    expect(request?.headers['private-token']).toBe(TOKEN);
    expect(request?.headers.authorization).toBeUndefined();
  });

  test('401 names the status and the location but never the token or the query string', async () => {
    const error = await openError(`${origin.base}/repo.tar.gz?private_token=${TOKEN}`, { token: 'wrong-secret' });
    expect(error.message).toBe(`${origin.base}/repo.tar.gz: access denied (HTTP 401)`);
    expect(error.message).not.toContain('wrong-secret');
    expect(error.message).not.toContain(TOKEN);
  });

  test('404 names the status and the location', async () => {
    const error = await openError(`${origin.base}/gone.tar.gz`, { token: TOKEN });
    expect(error.message).toBe(`${origin.base}/gone.tar.gz: not found (HTTP 404)`);
  });

  test('user info in the URL becomes basic auth and is not shown', async () => {
    const tree = await openSource(`http://deploy:${TOKEN}@127.0.0.1:${new URL(origin.base).port}/basic.tar.gz`);
    expect(tree.location).toBe(`${origin.base}/basic.tar.gz`);
    expect(tree.files).toHaveLength(1);
  });

  test('a same-origin redirect keeps the token', async () => {
    const tree = await openSource(`${origin.base}/moved`, { token: TOKEN });
    expect(tree.files).toHaveLength(1);
  });

  test('a redirect to another origin is followed without the token', async () => {
    const tree = await openSource(`${origin.base}/cdn`, { token: TOKEN, tokenHeader: 'PRIVATE-TOKEN' });
    expect(tree.files).toHaveLength(1);
    const request = elsewhere.requests.at(-1);
    expect(request?.path).toBe('/signed.tar.gz');
    expect(request?.headers['private-token']).toBeUndefined();
    expect(request?.headers.authorization).toBeUndefined();
  });

  test('a download bigger than the limits allow is stopped', async () => {
    const limits = { maxEntries: 10, maxTotalBytes: 50_000, maxFileBytes: 50_000 };
    const error = await openError(`${origin.base}/endless`, { limits });
    expect(error.message).toMatch(/larger than 70480 bytes/);
  });

  test('an unreachable server is a SourceError with only an error code', async () => {
    const gone = await listen(() => undefined);
    await close(gone.server);
    const error = await openError(`${gone.base}/repo.tar.gz?token=${TOKEN}`);
    expect(error.message).toBe(`${gone.base}/repo.tar.gz: download failed (ECONNREFUSED)`);
  });
});
