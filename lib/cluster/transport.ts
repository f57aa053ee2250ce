import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { isPlainObject } from '../kube/object.ts';
import { redact } from '../io/redact.ts';

/**
 * The response's Content-Type, parsed by the library (`getParsedHeader`): the media type under the key `''`, each
 * parameter under its lower-cased name (`g`, `v`, `as` name an aggregated discovery document).
 */
export type MediaType = Record<string, string>;

/** What one GET gave: parsed JSON, or a short error text that is safe to show (no tokens, no URLs with credentials). */
export type ApiResponse =
  | { ok: true; body: unknown; mediaType: MediaType }
  | { ok: false; status: number; error: string };

export const JSON_ACCEPT = 'application/json';

export interface ApiTransport {
  /**
   * GET an API path (`/apis/apps/v1`) as JSON (`accept` defaults to `application/json`). Never throws: network errors
   * and timeouts come back as status 0.
   */
  get(path: string, query?: Record<string, string>, accept?: string): Promise<ApiResponse>;
  /** Closes pooled connections so a short-lived process exits promptly. */
  close(): Promise<void>;
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * A JSON GET client that applies the kubeconfig's auth (token, client certificate, exec/OIDC plugins, CA, proxy)
 * through the library's own RequestContext, and bounds each request (body included) by `timeoutMs`.
 */
export function createTransport(kubeConfig: KubeConfig, server: string, timeoutMs: number): ApiTransport {
  const http = new IsomorphicFetchHttpLibrary();
  const base = server.replace(/\/+$/, '');
  // The library builds a new connection pool per request; keeping the first one reuses connections across requests.
  let sharedDispatcher: Dispatcher | undefined;

  async function prepare(path: string, query: Record<string, string>, accept: string): Promise<RequestContext> {
    const context = new RequestContext(`${base}${path}`, HttpMethod.GET);
    for (const [name, value] of Object.entries(query)) context.setQueryParam(name, value);
    context.setHeaderParam('Accept', accept);
    context.setSignal(AbortSignal.timeout(timeoutMs));
    await kubeConfig.applySecurityAuthentication(context);
    sharedDispatcher ??= context.getDispatcher();
    if (sharedDispatcher) context.setDispatcher(sharedDispatcher);
    return context;
  }

  async function get(path: string, query: Record<string, string> = {}, accept = JSON_ACCEPT): Promise<ApiResponse> {
    let context: RequestContext;
    try {
      context = await prepare(path, query, accept);
    } catch (error) {
      return {
        ok: false,
        status: 0,
        error: `cannot prepare request (credentials or TLS settings): ${redact(errorText(error))}`,
      };
    }
    try {
      const response = await http.send(context).toPromise();
      const text = await response.body.text();
      return toApiResponse(response.httpStatusCode, text, response.getParsedHeader('content-type'));
    } catch (error) {
      return { ok: false, status: 0, error: describeRequestError(error, timeoutMs) };
    }
  }

  async function close(): Promise<void> {
    await sharedDispatcher?.close().catch(() => undefined);
  }

  return { get, close };
}

function toApiResponse(status: number, text: string, mediaType: MediaType): ApiResponse {
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    return body === undefined ? { ok: false, status, error: 'response is not JSON' } : { ok: true, body, mediaType };
  }
  return { ok: false, status, error: describeStatus(status, body) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `HTTP 403 Forbidden: <Status.message>`, from the Kubernetes Status object the server sends with errors. */
function describeStatus(status: number, body: unknown): string {
  const reason = isPlainObject(body) && typeof body['reason'] === 'string' ? ` ${body['reason']}` : '';
  const message = isPlainObject(body) && typeof body['message'] === 'string' ? `: ${redact(body['message'])}` : '';
  return `HTTP ${status}${reason}${message}`;
}

function describeRequestError(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) return `timed out after ${timeoutMs} ms`;
  // fetch wraps the socket/TLS error (ECONNREFUSED, CERT_HAS_EXPIRED, "bad port") as its cause.
  const cause: unknown = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const detail = errorCode(cause) ?? errorCode(error) ?? (cause instanceof Error ? redact(cause.message) : '');
  return detail ? `cannot reach API server (${detail})` : 'cannot reach API server';
}

function isTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError') return true;
  return error.cause instanceof Error && error.cause.name === 'TimeoutError';
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
