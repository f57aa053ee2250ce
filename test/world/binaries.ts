/**
 * Locates (building on first use) kube-apiserver/kubectl/etcd, moto_server and cfn-lint through
 * build-binaries.sh, which caches them outside the repo. Its progress (stderr) is passed through so a cold build
 * (several minutes) visibly makes progress.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Binaries {
  /** Folder holding kube-apiserver, kubectl and etcd. */
  kubeAssets: string;
  motoServer: string;
  cfnLint: string;
}

const SCRIPT = join(import.meta.dirname, 'build-binaries.sh');

export async function ensureBinaries(): Promise<Binaries> {
  const stdout = await runBuildScript(SCRIPT);
  const values = parseKeyValueLines(stdout);
  const kubeAssets = values.get('KUBE_ASSETS');
  const motoServer = values.get('MOTO_SERVER');
  const cfnLint = values.get('CFN_LINT');
  if (kubeAssets === undefined || motoServer === undefined || cfnLint === undefined) {
    throw new Error(`build-binaries.sh printed no KUBE_ASSETS/MOTO_SERVER/CFN_LINT lines; stdout was:\n${stdout}`);
  }
  return { kubeAssets, motoServer, cfnLint };
}

/**
 * Runs a build script that prints `KEY=value` lines on stdout and its progress on stderr (passed through, so a cold
 * build visibly makes progress); resolves with stdout.
 */
export function runBuildScript(script: string, args: readonly string[] = [], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { ...(cwd ? { cwd } : {}), stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `bash ${[script, ...args].join(' ')} failed (${signal ?? `exit code ${String(code)}`}); see its stderr above`,
          ),
        );
    });
  });
}

/** `KEY=value` lines; other lines are ignored. */
export function parseKeyValueLines(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2]);
  }
  return values;
}
