import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { CORPUS, corpusCases, pathMatches } from '../support/corpus.ts';
import type { CorpusCase } from '../support/corpus.ts';
import { PREREQUISITES, available } from '../support/prerequisites.ts';
import { runCli } from './run-cli.ts';

/** The corpus through the external contract: `driftwatch audit --source DIR --snapshot FILE --format json`. */
const cases = corpusCases();
const workspace = mkdtempSync(join(tmpdir(), 'driftwatch-corpus-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function prepare(corpusCase: CorpusCase): { source: string; snapshot: string } {
  const folder = join(workspace, corpusCase.name);
  const source = join(folder, 'src');
  mkdirSync(source, { recursive: true });
  const declared = load(readFileSync(join(CORPUS, corpusCase.declared), 'utf8')) as {
    metadata: Record<string, unknown>;
  };
  if (corpusCase.namespace) declared.metadata['namespace'] = corpusCase.namespace;
  writeFileSync(join(source, `${basename(corpusCase.declared).replace(/\.json$/, '')}.yaml`), dump(declared));
  const live = load(readFileSync(join(CORPUS, corpusCase.live), 'utf8'));
  const snapshot = join(folder, 'snapshot.json');
  writeFileSync(snapshot, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [live] }));
  return { source, snapshot };
}

describe.skipIf(!available(PREREQUISITES.corpus))('Argo CD corpus through the CLI contract', () => {
  test.each(cases.map((corpusCase) => [corpusCase.name, corpusCase] as const))('%s', (_name, corpusCase) => {
    const { source, snapshot } = prepare(corpusCase);
    const result = runCli(['audit', '--source', source, '--snapshot', snapshot, '--format', 'json', '--no-write']);
    const report = JSON.parse(result.stdout) as { drift: Array<{ status: string; changes?: Array<{ path: string }> }> };
    if (corpusCase.expected === 'no-drift') {
      expect(result.status, result.stderr).toBe(0);
      expect(report.drift).toEqual([]);
      return;
    }
    expect(result.status, result.stderr).toBe(1);
    expect(report.drift).toHaveLength(1);
    expect(report.drift[0]?.status).toBe('modified');
    const reported = (report.drift[0]?.changes ?? []).map((change) => change.path);
    for (const expectedPath of corpusCase.paths)
      expect(
        reported.some((path) => pathMatches(path, expectedPath)),
        expectedPath,
      ).toBe(true);
  });
});
