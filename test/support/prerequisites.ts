import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'vitest';
import { CORPUS } from './corpus.ts';

/** Something outside the repository a suite needs; without it the suite skips, and says so loudly. */
export interface Prerequisite {
  name: string;
  /** Why it may be absent and how to get it, for the closing banner. */
  hint: string;
  /** Test files that skip without it (relative to the repository root). */
  files: readonly string[];
  /** With CI=true its absence fails the run instead of skipping. */
  requiredInCi: boolean;
  present: () => boolean;
}

/** Debian's /usr/bin/chromium (what CI installs), else the first Chromium or Chrome on PATH. */
export function findChromium(): string | undefined {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const folder of (process.env['PATH'] ?? '').split(delimiter)) {
      const candidate = join(folder, name);
      if (folder && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export const PREREQUISITES = {
  corpus: {
    name: 'the Argo CD corpus (../shared/corpus)',
    hint: 'check out the shared corpus next to this repository',
    files: ['test/conformance/argo-corpus.test.ts', 'test/cli/corpus-cli.test.ts'],
    requiredInCi: true,
    present: () => existsSync(join(CORPUS, 'cases.json')),
  },
  chromium: {
    name: 'Chromium',
    hint: 'install chromium (apt-get install chromium) to render the HTML report in a browser',
    files: ['test/integration/html-chromium.test.ts'],
    requiredInCi: false,
    present: () => findChromium() !== undefined,
  },
} as const satisfies Record<string, Prerequisite>;

export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

/**
 * True when the suite can run. When it cannot, and CI requires it, a failing test is registered in its place so
 * the run fails; otherwise the suite skips and the summary reporter names what was missing.
 */
export function available(prerequisite: Prerequisite): boolean {
  if (prerequisite.present()) return true;
  if (prerequisite.requiredInCi && isCi()) {
    test(`${prerequisite.name} is present (required with CI=true)`, () => {
      throw new Error(`${prerequisite.name} is missing: ${prerequisite.hint}`);
    });
  }
  return false;
}
