import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { SlackMessage } from '../../../lib/notify/slack.ts';
import { sendSlack } from '../../../lib/notify/slack-send.ts';

/** What the stand-in for Slack's webhook endpoint answers, in turn; the last answer repeats. */
interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  /** The webhook URL, with a secret-looking path like Slack's. */
  url: string;
  received: Received[];
}

const SECRET_PATH = '/services/T0000/B0000/XXXXsecretXXXXtoken';
const servers: Server[] = [];

/** A real HTTP server on 127.0.0.1 that records each POST and answers from `answers`. */
async function startReceiver(answers: Answer[]): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers[Math.min(received.length, answers.length) - 1] ?? { status: 200 };
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? (answer.status === 200 ? 'ok' : ''));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${SECRET_PATH}`, received };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(closeServer));
});

const message: SlackMessage = {
  text: 'driftwatch prod-eu: 1 new drift',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
};

/** A sleep that returns at once and remembers what it was asked to wait. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('sendSlack against a local webhook endpoint', () => {
  test('200: delivered on the first attempt, as JSON', async () => {
    const receiver = await startReceiver([{ status: 200 }]);
    const { sleep, waits } = recordingSleep();
    expect(await sendSlack(receiver.url, message, { sleep })).toEqual({ ok: true, attempts: 1, status: 200 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ method: 'POST', url: SECRET_PATH });
    expect(receiver.received[0]?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(receiver.received[0]?.body ?? '')).toEqual(message);
    expect(waits).toEqual([]);
  });

  test('429 with Retry-After: 1, then 200: delivered after 2 attempts, having waited 1 s', async () => {
    const receiver = await startReceiver([
      { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' },
      { status: 200 },
    ]);
    const { sleep, waits } = recordingSleep();
    expect(await sendSlack(receiver.url, message, { sleep })).toEqual({ ok: true, attempts: 2, status: 200 });
    expect(waits).toEqual([1000]);
    expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
  });

  test('Retry-After is capped at maxWaitSeconds', async () => {
    const receiver = await startReceiver([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    const { sleep, waits } = recordingSleep();
    expect((await sendSlack(receiver.url, message, { sleep, maxWaitSeconds: 5 })).ok).toBe(true);
    expect(waits).toEqual([5000]);
  });

  test('500 every time: retries with backoff, then gives up without the URL in the error', async () => {
    const receiver = await startReceiver([{ status: 500, body: `oops at ${SECRET_PATH}` }]);
    const { sleep, waits } = recordingSleep();
    const delivery = await sendSlack(receiver.url, message, { sleep, maxAttempts: 3 });
    expect(delivery).toEqual({ ok: false, attempts: 3, status: 500, error: 'Slack webhook answered 500' });
    expect(receiver.received).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
    expect(JSON.stringify(delivery)).not.toContain('secret');
  });

  test('the default is 4 attempts', async () => {
    const receiver = await startReceiver([{ status: 503 }]);
    const { sleep } = recordingSleep();
    expect(await sendSlack(receiver.url, message, { sleep })).toMatchObject({ ok: false, attempts: 4, status: 503 });
  });

  test('a 4xx other than 429 is final, with Slack error code kept', async () => {
    const receiver = await startReceiver([{ status: 400, body: 'invalid_blocks' }]);
    const { sleep, waits } = recordingSleep();
    expect(await sendSlack(receiver.url, message, { sleep })).toEqual({
      ok: false,
      attempts: 1,
      status: 400,
      error: 'Slack webhook answered 400 (invalid_blocks)',
    });
    expect(waits).toEqual([]);
  });

  test('a refused connection is retried and told by its code only', async () => {
    const receiver = await startReceiver([]);
    await Promise.all(servers.splice(0).map(closeServer));
    const { sleep } = recordingSleep();
    const delivery = await sendSlack(receiver.url, message, { sleep, maxAttempts: 2 });
    expect(delivery).toEqual({ ok: false, attempts: 2, error: 'Slack webhook request failed: ECONNREFUSED' });
    expect(JSON.stringify(delivery)).not.toContain('127.0.0.1');
  });

  test('a malformed webhook URL fails at once, and the error does not repeat it', async () => {
    const url = `hooks.slack.com${SECRET_PATH}`;
    const delivery = await sendSlack(url, message, recordingSleep());
    expect(delivery).toEqual({ ok: false, attempts: 1, error: 'Slack webhook request failed: ERR_INVALID_URL' });
    expect(JSON.stringify(delivery)).not.toContain('secret');
  });
});
