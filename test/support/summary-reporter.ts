import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';
import { PREREQUISITES, isCi } from './prerequisites.ts';

/**
 * Ends the run with the plain line `N passed, N failed[, N skipped]` that CI reads. A module that failed to load
 * counts as a failed test, and so does every test of a suite whose setup (beforeAll) failed: it never ran. Suites
 * skipped because something outside the repository is missing are named loudly just above that line, and so is each
 * step of `.ci/run` before the tests that failed (`DRIFTWATCH_CI_FAILED_STEPS`), which counts as one failed test.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      if (testModule.state() === 'failed' && [...testModule.children.allTests()].length === 0) failed++;
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || neverRanForFailedSetup(testCase)) failed++;
        else skipped++;
      }
    }
    const failedSteps = failedCiSteps();
    failed += failedSteps.length;
    const banner = [
      ...failedSteps.map((step) => `!!! FAILED before the tests: ${step} (see its output above)`),
      ...missingPrerequisites(testModules),
    ];
    process.stdout.write(
      `\n${banner.map((line) => `${line}\n`).join('')}${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}

/** The steps of `.ci/run` before the tests that failed (lint, typecheck, fault-suite): each counts as a failed test. */
function failedCiSteps(): string[] {
  return (process.env['DRIFTWATCH_CI_FAILED_STEPS'] ?? '').split(' ').filter((step) => step !== '');
}

/** A test meant to run (not skip/todo) that did not, inside a suite or module whose hooks failed. */
function neverRanForFailedSetup(testCase: TestCase): boolean {
  if (testCase.result().state === 'passed' || testCase.options.mode === 'skip' || testCase.options.mode === 'todo')
    return false;
  for (let parent: TestSuite | TestModule = testCase.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0 || parent.state() === 'failed') return true;
    if (parent.type === 'module') return false;
  }
}

/** `SKIPPED …` lines for every prerequisite that is absent while one of its test files was part of the run. */
function missingPrerequisites(testModules: ReadonlyArray<TestModule>): string[] {
  const ran = new Set(testModules.map((testModule) => relative(process.cwd(), testModule.moduleId)));
  return Object.values(PREREQUISITES).flatMap((prerequisite) => {
    const files = prerequisite.files.filter((file) => ran.has(file));
    if (files.length === 0 || prerequisite.present()) return [];
    const verdict = prerequisite.requiredInCi && isCi() ? 'FAILED (required with CI=true)' : 'SKIPPED';
    return [`!!! ${verdict}: ${prerequisite.name} is missing (${prerequisite.hint}); not run: ${files.join(', ')}`];
  });
}
