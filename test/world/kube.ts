/**
 * A real, minimal Kubernetes control plane for tests: etcd + kube-apiserver (no controllers, scheduler or kubelet),
 * TLS, RBAC, client-cert users, started with the flags verified in NOTES.md. Everything listens on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { makeClientCa, makeClientCert, makeServiceAccountKeys, writeKubeconfig } from './certs.ts';
import type { ClientCa, ClientCert } from './certs.ts';
import { freePorts, retryOnPortRace, spawnDaemon, waitForDaemon } from './process.ts';
import type { Daemon } from './process.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Resolve with the non-zero exit code instead of throwing. */
  allowFailure?: boolean;
  /** Another kubeconfig, e.g. one from userKubeconfig(). */
  kubeconfig?: string;
}

export interface KubeWorld {
  /** Admin kubeconfig (user driftwatch-admin, group system:masters). */
  kubeconfig: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** kube-apiserver's audit log (JSON lines, `Metadata` level for write verbs). */
  auditLog: string;
  kubectlPath: string;
  /** etcd and kube-apiserver, as process group leaders. */
  daemons: Daemon[];
  timings: { etcdReadyMs: number; apiserverReadyMs: number; totalMs: number };
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** Stops kube-apiserver, then etcd. Safe to call twice. */
  stop(): Promise<void>;
  /** For fault tests: stops only kube-apiserver; etcd keeps running until stop(). */
  stopApiserver(): Promise<void>;
  /** Writes `<workDir>/users/<name>.kubeconfig` for a client-cert user in `groups` (no RBAC bindings are made). */
  userKubeconfig(name: string, groups?: string[]): Promise<string>;
}

export interface StartKubeOptions {
  /** Folder with kube-apiserver, kubectl and etcd. */
  assets: string;
  /** Must be empty or new; certs, etcd data, logs and kubeconfigs go here. */
  workDir: string;
}

const ETCD_TIMEOUT_MS = 20_000;

/** Metadata (who, what, when; no bodies) for every write; nothing for reads. */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
`;
const APISERVER_TIMEOUT_MS = 60_000;
const KUBECTL_TIMEOUT_MS = 60_000;

export async function startKube(options: StartKubeOptions): Promise<KubeWorld> {
  const started = Date.now();
  const certDir = join(options.workDir, 'certs');
  await mkdir(certDir, { recursive: true });
  const daemons: Daemon[] = [];
  try {
    // etcd needs no certs: make them while it starts
    const [etcdResult, credentialsResult] = await Promise.allSettled([
      retryOnPortRace(() => startEtcd(options)),
      makeCredentials(certDir),
    ]);
    if (etcdResult.status === 'fulfilled') daemons.push(etcdResult.value.daemon);
    if (etcdResult.status === 'rejected') throw etcdResult.reason;
    if (credentialsResult.status === 'rejected') throw credentialsResult.reason;
    const etcd = etcdResult.value;
    const credentials = credentialsResult.value;
    const apiserver = await retryOnPortRace(() => startApiserver(options, etcd.url, credentials));
    daemons.unshift(apiserver.daemon); // stop order: apiserver first
    const kubeconfig = join(options.workDir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, {
      server: apiserver.server,
      caFile: apiserver.caFile,
      user: 'driftwatch-admin',
      client: credentials.admin,
    });
    return makeKubeWorld({
      options,
      kubeconfig,
      server: apiserver.server,
      auditLog: apiserver.auditLog,
      caFile: apiserver.caFile,
      clientCa: credentials.clientCa,
      etcd: etcd.daemon,
      apiserver: apiserver.daemon,
      timings: { etcdReadyMs: etcd.readyMs, apiserverReadyMs: apiserver.readyMs, totalMs: Date.now() - started },
    });
  } catch (error) {
    await Promise.allSettled(daemons.map((daemon) => daemon.stop()));
    throw error;
  }
}

interface Credentials {
  clientCa: ClientCa;
  admin: ClientCert;
  serviceAccount: { privateKey: string; publicKey: string };
}

async function makeCredentials(certDir: string): Promise<Credentials> {
  const [clientCa, serviceAccount] = await Promise.all([makeClientCa(certDir), makeServiceAccountKeys(certDir)]);
  const admin = await makeClientCert(clientCa, certDir, 'driftwatch-admin', ['system:masters']);
  return { clientCa, admin, serviceAccount };
}

async function startEtcd(options: StartKubeOptions): Promise<{ daemon: Daemon; url: string; readyMs: number }> {
  const [clientPort, peerPort] = await freePorts(2);
  const dataDir = join(options.workDir, 'etcd-data');
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o700); // etcd refuses looser permissions
  const url = `http://127.0.0.1:${String(clientPort)}`;
  const peerUrl = `http://127.0.0.1:${String(peerPort)}`;
  const started = Date.now();
  const daemon = spawnDaemon({
    name: 'etcd',
    command: join(options.assets, 'etcd'),
    args: [
      '--name=driftwatch',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=driftwatch=${peerUrl}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    logFile: join(options.workDir, 'etcd.log'),
    cwd: options.workDir,
  });
  await waitForDaemon(daemon, () => httpOk(`${url}/health`), { timeoutMs: ETCD_TIMEOUT_MS });
  return { daemon, url, readyMs: Date.now() - started };
}

async function startApiserver(
  options: StartKubeOptions,
  etcdUrl: string,
  credentials: Credentials,
): Promise<{ daemon: Daemon; server: string; caFile: string; auditLog: string; readyMs: number }> {
  const [port] = await freePorts(1);
  const auditPolicy = join(options.workDir, 'audit-policy.yaml');
  const auditLog = join(options.workDir, 'audit.log');
  await writeFile(auditPolicy, AUDIT_POLICY);
  const server = `https://127.0.0.1:${String(port)}`;
  const servingDir = join(options.workDir, 'certs', 'serving');
  const started = Date.now();
  const daemon = spawnDaemon({
    name: 'kube-apiserver',
    command: join(options.assets, 'kube-apiserver'),
    args: [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${String(port)}`,
      `--cert-dir=${servingDir}`, // it writes a self-signed serving cert (SAN 127.0.0.1) here
      `--client-ca-file=${credentials.clientCa.cert}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=${server}/`,
      `--service-account-key-file=${credentials.serviceAccount.publicKey}`,
      `--service-account-signing-key-file=${credentials.serviceAccount.privateKey}`,
      // a /16: benchmarks apply thousands of Services (a /24 is full after ~250)
      '--service-cluster-ip-range=10.0.0.0/16',
      '--allow-privileged=true',
      // no controller-manager creates `default` ServiceAccounts, so admission must not require them (as envtest)
      '--disable-admission-plugins=ServiceAccount',
      // required on 1.37 for a loopback advertise address; quiets a repeating error on 1.34
      '--endpoint-reconciler-type=none',
      // MutatingAdmissionPolicy (beta in 1.34) gives the tests a real admission mutation without a webhook server
      '--feature-gates=MutatingAdmissionPolicy=true',
      '--runtime-config=admissionregistration.k8s.io/v1beta1=true',
      // who made every write (issue 13): JSON lines, written as each event completes
      `--audit-policy-file=${auditPolicy}`,
      `--audit-log-path=${auditLog}`,
      '--audit-log-format=json',
      '--audit-log-mode=blocking',
    ],
    logFile: join(options.workDir, 'apiserver.log'),
    cwd: options.workDir,
  });
  const caFile = join(servingDir, 'apiserver.crt'); // serving cert + its CA
  // the cert appears within ~1 s; /readyz says `ok` once every post-start hook has run
  await waitForDaemon(daemon, async () => existsSync(caFile) && (await readyz(server, caFile, credentials.admin)), {
    timeoutMs: APISERVER_TIMEOUT_MS,
    intervalMs: 100,
  });
  return { daemon, server, caFile, auditLog, readyMs: Date.now() - started };
}

/** Resolves true for any 2xx; false for errors (not up yet). */
function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(url, { agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** GET /readyz as the admin; true only for the body `ok` (all checks passed). */
function readyz(server: string, caFile: string, client: ClientCert): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpsRequest(
      `${server}/readyz`,
      {
        agent: false, // no keep-alive socket left holding the event loop
        timeout: 2_000,
        ca: readFileSync(caFile),
        cert: readFileSync(client.cert),
        key: readFileSync(client.key),
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve(response.statusCode === 200 && body.trim() === 'ok'));
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false)); // also a half-written cert file: try again
    request.end();
  });
}

interface KubeWorldParts {
  options: StartKubeOptions;
  kubeconfig: string;
  server: string;
  auditLog: string;
  caFile: string;
  clientCa: ClientCa;
  etcd: Daemon;
  apiserver: Daemon;
  timings: KubeWorld['timings'];
}

function makeKubeWorld(parts: KubeWorldParts): KubeWorld {
  const kubectlPath = join(parts.options.assets, 'kubectl');
  // kubectl's discovery cache goes into the world, not ~/.kube/cache (a new port per run would pile up there)
  const cacheDir = join(parts.options.workDir, 'kubectl-cache');
  return {
    kubeconfig: parts.kubeconfig,
    server: parts.server,
    auditLog: parts.auditLog,
    kubectlPath,
    daemons: [parts.apiserver, parts.etcd],
    timings: parts.timings,
    kubectl: (args, kubectlOptions = {}) =>
      runKubectl(
        kubectlPath,
        ['--kubeconfig', kubectlOptions.kubeconfig ?? parts.kubeconfig, '--cache-dir', cacheDir, ...args],
        kubectlOptions,
      ),
    async stop() {
      await parts.apiserver.stop();
      await parts.etcd.stop();
    },
    stopApiserver: () => parts.apiserver.stop(),
    async userKubeconfig(name, groups = []) {
      const usersDir = join(parts.options.workDir, 'users');
      const client = await makeClientCert(parts.clientCa, usersDir, name, groups);
      const file = join(usersDir, `${name}.kubeconfig`);
      await writeKubeconfig(file, { server: parts.server, caFile: parts.caFile, user: name, client });
      return file;
    },
  };
}

function runKubectl(kubectlPath: string, args: string[], options: KubectlOptions): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: KUBECTL_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on('error', () => undefined); // kubectl may exit before reading stdin; its exit code tells why
    child.stdin.end(options.input ?? '');
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code === 0 || options.allowFailure === true) resolve(result);
      else
        reject(
          new Error(`kubectl ${args.slice(4).join(' ')} failed (${signal ?? `exit code ${String(code)}`}):\n${stderr}`),
        );
    });
  });
}
