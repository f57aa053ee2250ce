import { setTimeout as delay } from 'node:timers/promises';
import type { SlackMessage } from './slack-message.ts';

export interface SlackSendOptions {
  /** Tries in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Longest wait between tries, whatever Retry-After asks. Default 30. */
  maxWaitSeconds?: number;
  /** How to wait; tests pass a fast one. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Time limit of one request. Default 10 000 ms. */
  timeoutMs?: number;
}

export interface SlackDelivery {
  ok: boolean;
  attempts: number;
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** Why it failed: the status or an error code, never the webhook URL (it is a secret). */
  error?: string;
}

/** What one POST gave: delivered, worth another try (after `waitMs` if the server said), or final. */
type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status?: number; error: string; waitMs?: number }
  | { kind: 'final'; status?: number; error: string };

/**
 * Posts a message to a Slack incoming webhook. 429: waits Retry-After (capped) and tries again; 5xx and network
 * errors: tries again with exponential backoff; other 4xx: gives up (the same payload will not get better).
 * Never throws, never logs: the webhook URL is a secret and must not reach an error message or a log line.
 */
export async function sendSlack(
  webhookUrl: string,
  message: SlackMessage,
  options: SlackSendOptions = {},
): Promise<SlackDelivery> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const maxWaitMs = (options.maxWaitSeconds ?? 30) * 1000;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const body = JSON.stringify(message);
  let last: Outcome = { kind: 'retry', error: 'Slack webhook not tried' };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    last = await postOnce(webhookUrl, body, options.timeoutMs ?? 10_000);
    if (last.kind === 'delivered') return { ok: true, attempts: attempt, status: last.status };
    if (last.kind === 'final') return failure(last, attempt);
    if (attempt < maxAttempts) await sleep(Math.min(last.waitMs ?? backoffMs(attempt), maxWaitMs));
  }
  return failure(last, maxAttempts);
}

function failure(outcome: Exclude<Outcome, { kind: 'delivered' }>, attempts: number): SlackDelivery {
  const delivery: SlackDelivery = { ok: false, attempts, error: outcome.error };
  if (outcome.status !== undefined) delivery.status = outcome.status;
  return delivery;
}

/** 1 s, 2 s, 4 s, …: Slack asks for backoff on server errors. */
function backoffMs(attempt: number): number {
  return 1000 * 2 ** (attempt - 1);
}

async function postOnce(webhookUrl: string, body: string, timeoutMs: number): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const code = errorCode(error);
    const failed = `Slack webhook request failed: ${code}`;
    // A malformed URL stays malformed: no point trying again.
    return code === 'ERR_INVALID_URL' ? { kind: 'final', error: failed } : { kind: 'retry', error: failed };
  }
  const answer = await readAnswer(response);
  const { status } = response;
  if (response.ok) return { kind: 'delivered', status };
  const error = `Slack webhook answered ${status}${answer ? ` (${answer})` : ''}`;
  if (status === 429)
    return withWait({ kind: 'retry', status, error }, retryAfterMs(response.headers.get('retry-after')));
  if (status >= 500)
    return withWait({ kind: 'retry', status, error }, retryAfterMs(response.headers.get('retry-after')));
  return { kind: 'final', status, error };
}

function withWait(outcome: Extract<Outcome, { kind: 'retry' }>, waitMs: number | undefined): Outcome {
  return waitMs === undefined ? outcome : { ...outcome, waitMs };
}

/**
 * Slack answers errors with a short code (`invalid_blocks`, `no_service`): keep it when it looks like one, and
 * nothing else of the body (a proxy's error page could echo the request URL).
 */
async function readAnswer(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const trimmed = text.trim();
  return /^[a-z][a-z0-9_]{0,59}$/.test(trimmed) && trimmed !== 'ok' ? trimmed : '';
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * A code for a failed request (`ECONNREFUSED`, `TimeoutError`), never the error's message: fetch puts the URL
 * in some of them ("Failed to parse URL from https://hooks.slack.com/services/…").
 */
function errorCode(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = codeOf(cause) ?? codeOf(error);
  if (code) return code;
  if (error instanceof Error && /^[A-Za-z]+$/.test(error.name)) return error.name;
  return 'unknown error';
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  const code = value.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}
