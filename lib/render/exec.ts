import { spawn } from 'node:child_process';
import { redact } from '../io/redact.ts';
import { RenderError } from './error.ts';

export interface ExecLimits {
  timeoutMs: number;
  maxOutputBytes: number;
  /** Address space of the process (ulimit -v) and the Go runtime's soft limit (GOMEMLIMIT). */
  memoryMiB: number;
}

export interface ExecRequest {
  program: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  limits: ExecLimits;
  /** Names the render in errors: `overlays/prod: kustomize build`. */
  what: string;
  /** The workspace's tree root: removed from error messages, so they name files as the repository does. */
  root?: string;
  /** Text that must never appear in an error (what feeds a Secret): replaced before anything is shown. */
  secrets?: readonly string[];
}

/** stderr kept for the error message: renderers print their reason in the first lines. */
const MAX_STDERR_BYTES = 64 * 1024;
const ERROR_LINES = 3;

/**
 * Runs a renderer and returns its stdout. Every run has a deadline, an output cap and a memory cap; when one is hit
 * the process group is killed and the render fails, naming the limit. A non-zero exit fails with the first lines the
 * tool printed on stderr, credential-masked.
 */
export function execRenderer(request: ExecRequest): Promise<string> {
  const { limits } = request;
  // `ulimit -v` bounds the whole address space; Go's soft limit makes the GC work before that hard wall is reached.
  const env = { ...request.env, GOMEMLIMIT: `${Math.floor(limits.memoryMiB * 0.75)}MiB` };
  const child = spawn(
    '/bin/sh',
    ['-c', `ulimit -v ${limits.memoryMiB * 1024} && exec "$0" "$@"`, request.program, ...request.args],
    {
      cwd: request.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let failure: string | undefined;
    const stop = (reason: string): void => {
      failure ??= reason;
      killGroup(child.pid);
    };
    const timer = setTimeout(() => stop(`timed out after ${limits.timeoutMs / 1000} s`), limits.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > limits.maxOutputBytes)
        return stop(`printed more than ${limits.maxOutputBytes} bytes (maxOutputBytes)`);
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes >= MAX_STDERR_BYTES) return;
      stderrBytes += chunk.length;
      stderr.push(chunk);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new RenderError(`${request.what}: cannot run ${request.program}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure !== undefined) return reject(new RenderError(`${request.what} ${failure}`));
      if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
      const said = firstLines(
        withoutSecrets(withoutRoot(Buffer.concat(stderr).toString('utf8'), request.root), request.secrets ?? []),
      );
      const how = signal
        ? `was killed (${signal}${signal === 'SIGKILL' || signal === 'SIGSEGV' ? `, memory limit ${limits.memoryMiB} MiB?` : ''})`
        : `failed (exit ${code})`;
      reject(new RenderError(`${request.what} ${how}${said ? `: ${said}` : ''}`));
    });
  });
}

/** The first few non-empty lines, joined and masked: enough for the reason, never a dump of the input. */
function firstLines(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, ERROR_LINES);
  return redact(lines.join(' | '));
}

/** Longest first, so a value that contains another is masked whole. */
function withoutSecrets(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .filter((secret) => secret !== '')
    .sort((a, b) => b.length - a.length)
    .reduce((masked, secret) => masked.split(secret).join('[redacted]'), text);
}

function withoutRoot(text: string, root: string | undefined): string {
  if (root === undefined) return text;
  return text.split(`${root}/`).join('').split(root).join('.');
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
