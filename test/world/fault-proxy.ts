/**
 * A fault-injecting HTTP proxy (node:http over node:net) between the code under test and a dependency of the test
 * world: moto_server and the Slack receiver over plain HTTP, kube-apiserver over TLS with a client certificate (the
 * proxy terminates the audit's plain HTTP and speaks TLS upstream, so it can answer 5xx or 429 like the apiserver). Requests pass through unchanged unless a rule matches; a rule
 * answers with a status of its choice (503 SlowDown, 500, 429 with Retry-After), resets the connection, hangs it, or
 * delays it, a given number of times or until cleared. Every request is recorded with what the proxy did to it.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingMessage['headers'];
}

export type Fault =
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { type: 'reset' }
  | { type: 'hang' }
  | { type: 'delay'; ms: number };

export interface FaultRule {
  /** A name for the record and the assertions. */
  name: string;
  match: (request: ProxiedRequest) => boolean;
  fault: Fault;
  /** How many matching requests get the fault; unlimited when absent. */
  times?: number;
}

export interface ProxyRecord extends ProxiedRequest {
  /** The rule that hit it, or `pass`. */
  outcome: string;
}

export interface FaultProxy {
  url: string;
  records: ProxyRecord[];
  add(rule: FaultRule): void;
  clear(): void;
  stop(): Promise<void>;
}

interface ArmedRule extends FaultRule {
  left: number;
}

/** How the proxy authenticates to an https upstream (PEM): the audit's own credentials never reach it. */
export interface UpstreamTls {
  ca: string;
  cert: string;
  key: string;
}

export async function startFaultProxy(targetUrl: string, tls?: UpstreamTls): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const rules: ArmedRule[] = [];
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket>();

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, delayMs = 0): void => {
    const send = (): void => {
      const { authorization: _dropped, ...headers } = incoming.headers;
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...(tls ? headers : incoming.headers), host: target.host },
          ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  };

  const server = createServer((incoming, outgoing) => {
    const proxied: ProxiedRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: incoming.headers,
    };
    const rule = rules.find((candidate) => candidate.left > 0 && candidate.match(proxied));
    records.push({ ...proxied, outcome: rule?.name ?? 'pass' });
    if (!rule) return forward(incoming, outgoing);
    rule.left -= 1;
    const { fault } = rule;
    if (fault.type === 'delay') return forward(incoming, outgoing, fault.ms);
    if (fault.type === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (fault.type === 'hang') {
      incoming.resume();
      return;
    }
    // Read the body first: answering before it is read makes some clients see a reset instead of the status.
    incoming.resume();
    incoming.on('end', () => {
      outgoing.writeHead(fault.status, { 'content-type': 'application/xml', ...fault.headers });
      outgoing.end(fault.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    add: (rule) => rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY }),
    clear: () => {
      rules.length = 0;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** S3's own answer to too many requests. */
export const S3_SLOW_DOWN: Fault = {
  type: 'status',
  status: 503,
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};

export const S3_INTERNAL_ERROR: Fault = {
  type: 'status',
  status: 500,
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>',
};

/** A proxy in front of the world's kube-apiserver holding the admin client certificate of `kubeconfigFile`. */
export async function startKubeProxy(server: string, kubeconfigFile: string): Promise<FaultProxy> {
  const admin = readFileSync(kubeconfigFile, 'utf8');
  return startFaultProxy(server, {
    ca: pemOf(admin, 'certificate-authority-data'),
    cert: pemOf(admin, 'client-certificate-data'),
    key: pemOf(admin, 'client-key-data'),
  });
}

/** A kubeconfig whose only way to the apiserver is the proxy at `url` (which holds the credentials). */
export function proxiedKubeconfig(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: proxied',
    '  cluster:',
    `    server: ${url}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: auditor',
    '  user:',
    '    token: held-by-the-proxy',
    'contexts:',
    '- name: proxied',
    '  context: {cluster: proxied, user: auditor}',
    'current-context: proxied',
    '',
  ].join('\n');
}

/** PEM from a kubeconfig's base64 `*-data` field. */
function pemOf(kubeconfig: string, field: string): string {
  const value = new RegExp(`${field}: (\\S+)`).exec(kubeconfig)?.[1];
  if (!value) throw new Error(`the world kubeconfig has no ${field}`);
  return Buffer.from(value, 'base64').toString('utf8');
}
