import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenderError } from '../../../lib/render/error.ts';
import { execRenderer } from '../../../lib/render/exec.ts';
import type { ExecLimits } from '../../../lib/render/exec.ts';

let folder = '';
const LIMITS: ExecLimits = { timeoutMs: 5000, maxOutputBytes: 1024 * 1024, memoryMiB: 1024 };

async function script(name: string, body: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

function run(program: string, limits: Partial<ExecLimits> = {}): Promise<string> {
  return execRenderer({
    program,
    args: ['build', join(folder, 'tree')],
    cwd: folder,
    env: { PATH: '/usr/bin:/bin' },
    limits: { ...LIMITS, ...limits },
    what: 'overlays/prod: kustomize build',
    root: join(folder, 'tree'),
  });
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dw-exec-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('execRenderer', () => {
  it('returns what the renderer printed, with its arguments and under a Go memory limit', async () => {
    const echo = await script('echo-args', 'echo "$@ $GOMEMLIMIT"');

    await expect(run(echo)).resolves.toBe(`build ${join(folder, 'tree')} 768MiB\n`);
  });

  it('fails with the first lines of stderr, naming files as the repository does and masking credentials', async () => {
    const failing = await script(
      'fail',
      `echo "Error: accumulating resources from '${join(folder, 'tree')}/base': token=abc123 refused" >&2\necho second >&2\nexit 1`,
    );

    const error = await run(failing).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RenderError);
    expect(String(error)).toContain(
      "overlays/prod: kustomize build failed (exit 1): Error: accumulating resources from 'base': token=[redacted] refused | second",
    );
    expect(String(error)).not.toContain(folder);
  });

  it('kills a render that runs past its deadline', async () => {
    const slow = await script('slow', 'sleep 30');
    const started = Date.now();

    await expect(run(slow, { timeoutMs: 300 })).rejects.toThrow('overlays/prod: kustomize build timed out after 0.3 s');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills a render that prints more than its output limit', async () => {
    const noisy = await script('noisy', 'yes kind: ConfigMap');

    await expect(run(noisy, { maxOutputBytes: 64 * 1024 })).rejects.toThrow(
      'printed more than 65536 bytes (maxOutputBytes)',
    );
  });

  it('bounds the address space of the render', async () => {
    const greedy = await script('greedy', 'ulimit -v');

    await expect(run(greedy, { memoryMiB: 300 })).resolves.toBe(`${300 * 1024}\n`);
  });
});
