/**
 * Certificates for the local control plane, made with the `openssl` CLI (on every dev/CI machine; node:crypto
 * cannot sign X.509 certificates). Only client certificates and the service-account key are ours: kube-apiserver
 * creates its own self-signed serving cert in --cert-dir. Keys are EC P-256 (fast to make); certs last one day.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ClientCa {
  cert: string;
  key: string;
}

export interface ClientCert {
  cert: string;
  key: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${(error as Error).message}\n${stderr}`);
  }
}

/** Self-signed CA for --client-ca-file. */
export async function makeClientCa(dir: string): Promise<ClientCa> {
  await mkdir(dir, { recursive: true });
  const ca = { cert: join(dir, 'client-ca.crt'), key: join(dir, 'client-ca.key') };
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      ca.key,
      '-out',
      ca.cert,
      '-subj',
      '/CN=driftwatch-client-ca',
    ],
    dir,
  );
  return ca;
}

/** The API server reads users from the cert: CN is the user name, each O a group. */
export async function makeClientCert(
  ca: ClientCa,
  dir: string,
  user: string,
  groups: readonly string[],
): Promise<ClientCert> {
  for (const part of [user, ...groups]) {
    // keeps the -subj string and file names unambiguous
    if (!/^[A-Za-z0-9:._@-]+$/.test(part)) throw new Error(`unsupported user or group name: ${JSON.stringify(part)}`);
  }
  await mkdir(dir, { recursive: true });
  const base = join(dir, user);
  const subject = `${groups.map((group) => `/O=${group}`).join('')}/CN=${user}`;
  await openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.csr`,
      '-subj',
      subject,
    ],
    dir,
  );
  await writeFile(`${base}.ext`, 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  // a random serial instead of -CAcreateserial: parallel signings would race on the shared .srl file
  const serial = `0x${randomBytes(16).toString('hex')}`;
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      serial,
      '-days',
      '1',
      '-extfile',
      `${base}.ext`,
      '-out',
      `${base}.crt`,
    ],
    dir,
  );
  return { cert: `${base}.crt`, key: `${base}.key` };
}

/** RSA key pair that signs (private) and verifies (public) service-account tokens. */
export async function makeServiceAccountKeys(dir: string): Promise<{ privateKey: string; publicKey: string }> {
  const keys = { privateKey: join(dir, 'sa.key'), publicKey: join(dir, 'sa.pub') };
  await openssl(['genrsa', '-out', keys.privateKey, '2048'], dir);
  await openssl(['rsa', '-in', keys.privateKey, '-pubout', '-out', keys.publicKey], dir);
  return keys;
}

/** A kubeconfig with everything embedded, so it keeps working if the cert files move. */
export async function writeKubeconfig(
  file: string,
  options: { server: string; caFile: string; user: string; client: ClientCert },
): Promise<void> {
  const base64 = async (path: string): Promise<string> => (await readFile(path)).toString('base64');
  const [ca, cert, key] = await Promise.all([
    base64(options.caFile),
    base64(options.client.cert),
    base64(options.client.key),
  ]);
  const text = `apiVersion: v1
kind: Config
clusters:
- name: world
  cluster:
    server: ${options.server}
    certificate-authority-data: ${ca}
users:
- name: ${options.user}
  user:
    client-certificate-data: ${cert}
    client-key-data: ${key}
contexts:
- name: world
  context:
    cluster: world
    user: ${options.user}
current-context: world
`;
  await writeFile(file, text, { mode: 0o600 });
}
