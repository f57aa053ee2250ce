import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

/** Runs vitest as CI does, in a child process, and returns its exit code and closing lines. */
function vitest(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number; lines: string[] } {
  const result = spawnSync(process.execPath, [VITEST, 'run', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: '', ...env },
    timeout: 120_000,
  });
  return { status: result.status ?? -1, lines: result.stdout.trimEnd().split('\n') };
}

describe('the summary reporter', () => {
  test('counts the tests of a suite whose beforeAll failed as failed, matching the exit code', () => {
    const run = vitest(['--config', 'test/support/fixtures/failed-setup/vitest.config.ts']);
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)).toBe('2 passed, 3 failed, 1 skipped');
  });

  test('says loudly that the corpus suites did not run without ../shared/corpus; with CI=true that fails the run', () => {
    const files = ['test/conformance/argo-corpus.test.ts', '--reporter', './test/support/summary-reporter.ts'];
    const absent = { DRIFTWATCH_CORPUS: join(ROOT, 'no-such-corpus') };
    const local = vitest(files, absent);
    expect(local.status).toBe(0);
    expect(local.lines.at(-2)).toBe(
      '!!! SKIPPED: the Argo CD corpus (../shared/corpus) is missing (check out the shared corpus next to this repository); not run: test/conformance/argo-corpus.test.ts',
    );
    const ci = vitest(files, { ...absent, CI: 'true' });
    expect(ci.status).toBe(1);
    expect(ci.lines.at(-2)).toContain('!!! FAILED (required with CI=true): the Argo CD corpus');
    expect(ci.lines.at(-1)).toMatch(/^0 passed, 1 failed/);
  });

  test('counts each step of .ci/run that failed before the tests (DRIFTWATCH_CI_FAILED_STEPS) as a failed test, named above the line', () => {
    const run = vitest(['--config', 'test/support/fixtures/failed-setup/vitest.config.ts'], {
      DRIFTWATCH_CI_FAILED_STEPS: 'lint typecheck',
    });
    expect(run.lines.at(-1)).toBe('2 passed, 5 failed, 1 skipped');
    expect(run.lines).toContain('!!! FAILED before the tests: lint (see its output above)');
    expect(run.lines).toContain('!!! FAILED before the tests: typecheck (see its output above)');
  });
});
