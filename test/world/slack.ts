/**
 * A stand-in for a Slack incoming webhook: a node:http server on 127.0.0.1 that records every POST and answers
 * 200 `ok` like Slack, or fails the next N requests on request (429 with Retry-After, or 500).
 *
 * A control API on the same port lets another process (tests against a `testenv start` world) drive it:
 *   GET  /_requests                                  -> JSON array of recorded requests
 *   POST /_fail?count=N&status=429|500&retryAfter=S  -> fail the next N webhook POSTs
 *   POST /_reset                                     -> forget requests and pending failures
 * slackControl() is the client for it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const WEBHOOK_PATH = '/services/T000/B000/XXXX';

export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** Date.now() on arrival. */
  at: number;
  /** The status we answered with. */
  status: number;
}

export type FailureStatus = 429 | 500;

export interface SlackReceiver {
  /** The webhook URL to give driftwatch. */
  url: string;
  /** http://127.0.0.1:PORT, for the control API. */
  baseUrl: string;
  requests: RecordedRequest[];
  failNext(count: number, status: FailureStatus, retryAfterSeconds?: number): void;
  reset(): void;
  stop(): Promise<void>;
}

interface PendingFailure {
  count: number;
  status: FailureStatus;
  retryAfterSeconds: number | undefined;
}

export async function startSlackReceiver(options: { port?: number } = {}): Promise<SlackReceiver> {
  const requests: RecordedRequest[] = [];
  let failure: PendingFailure | undefined;
  const receiver = {
    requests,
    failNext(count: number, status: FailureStatus, retryAfterSeconds?: number) {
      failure = count > 0 ? { count, status, retryAfterSeconds } : undefined;
    },
    reset() {
      requests.length = 0;
      failure = undefined;
    },
  };
  const takeFailure = (): PendingFailure | undefined => {
    if (failure === undefined) return undefined;
    const current = failure;
    failure = current.count > 1 ? { ...current, count: current.count - 1 } : undefined;
    return current;
  };
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => route(request, response, body, { ...receiver, takeFailure }))
      .catch(() => response.destroy());
  });
  server.keepAliveTimeout = 1_000; // don't hold stop() up on idle client sockets for long
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  let stopping: Promise<void> | undefined;
  return {
    ...receiver,
    url: `${baseUrl}${WEBHOOK_PATH}`,
    baseUrl,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

interface RouteContext {
  requests: RecordedRequest[];
  failNext(count: number, status: FailureStatus, retryAfterSeconds?: number): void;
  reset(): void;
  takeFailure(): PendingFailure | undefined;
}

function route(request: IncomingMessage, response: ServerResponse, body: string, context: RouteContext): void {
  const url = new URL(request.url ?? '/', 'http://receiver');
  const method = request.method ?? 'GET';
  if (url.pathname === '/_requests' && method === 'GET') {
    reply(response, 200, JSON.stringify(context.requests), 'application/json');
    return;
  }
  if (url.pathname === '/_reset' && method === 'POST') {
    context.reset();
    reply(response, 200, 'ok');
    return;
  }
  if (url.pathname === '/_fail' && method === 'POST') {
    controlFail(url.searchParams, response, context);
    return;
  }
  if (method !== 'POST') {
    reply(response, 405, 'invalid_method');
    return;
  }
  const failure = context.takeFailure();
  const status = failure?.status ?? 200;
  context.requests.push({
    path: url.pathname + url.search,
    headers: flatHeaders(request),
    body,
    json: parseJson(body),
    at: Date.now(),
    status,
  });
  if (failure === undefined) {
    reply(response, 200, 'ok');
    return;
  }
  if (failure.status === 429) {
    if (failure.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(failure.retryAfterSeconds));
    reply(response, 429, 'rate_limited');
    return;
  }
  reply(response, 500, 'internal_error');
}

function controlFail(params: URLSearchParams, response: ServerResponse, context: RouteContext): void {
  const count = Number(params.get('count') ?? '1');
  const status = Number(params.get('status') ?? '500');
  const retryAfterText = params.get('retryAfter');
  const retryAfter = retryAfterText === null ? undefined : Number(retryAfterText);
  if (
    !Number.isInteger(count) ||
    count < 0 ||
    (status !== 429 && status !== 500) ||
    (retryAfter !== undefined && !(retryAfter >= 0))
  ) {
    reply(response, 400, 'usage: POST /_fail?count=N&status=429|500[&retryAfter=SECONDS]');
    return;
  }
  context.failNext(count, status, retryAfter);
  reply(response, 200, 'ok');
}

function reply(
  response: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, { 'Content-Type': contentType });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Client for the control API of a receiver in another process (e.g. one started by `npm run testenv -- start`). */
export interface SlackControl {
  requests(): Promise<RecordedRequest[]>;
  failNext(count: number, status: FailureStatus, retryAfterSeconds?: number): Promise<void>;
  reset(): Promise<void>;
}

/** `webhookUrl` is SLACK_WEBHOOK_URL (or any URL on the receiver's port). */
export function slackControl(webhookUrl: string): SlackControl {
  const base = new URL(webhookUrl).origin;
  const post = async (path: string): Promise<void> => {
    const response = await fetch(`${base}${path}`, { method: 'POST' });
    if (!response.ok) throw new Error(`POST ${path}: HTTP ${String(response.status)} ${await response.text()}`);
  };
  return {
    async requests() {
      const response = await fetch(`${base}/_requests`);
      if (!response.ok) throw new Error(`GET /_requests: HTTP ${String(response.status)}`);
      return (await response.json()) as RecordedRequest[];
    },
    failNext: (count, status, retryAfterSeconds) =>
      post(
        `/_fail?count=${String(count)}&status=${String(status)}${retryAfterSeconds === undefined ? '' : `&retryAfter=${String(retryAfterSeconds)}`}`,
      ),
    reset: () => post('/_reset'),
  };
}
