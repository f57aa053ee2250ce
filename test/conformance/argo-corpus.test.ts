import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { computeDrift } from '../../lib/diff/audit.ts';
import type { KubeObject } from '../../lib/kube/object.ts';
import { isKubeObject } from '../../lib/kube/object.ts';
import { pointerSegments } from '../../lib/diff/path.ts';

/** The public corpus of Argo CD config/live pairs, re-labelled with driftwatch verdicts (see its README). */
const CORPUS = join(import.meta.dirname, '../../../shared/corpus/argo-cd');

interface CorpusCase {
  name: string;
  declared: string;
  live: string;
  expected: 'no-drift' | 'modified';
  paths: string[];
  namespace?: string;
}

function readObject(relative: string): KubeObject {
  const parsed = load(readFileSync(join(CORPUS, relative), 'utf8'));
  if (!isKubeObject(parsed)) throw new Error(`${relative} is not a Kubernetes object`);
  return parsed;
}

/** Key-agnostic match as the corpus README defines it: indexes and key=value segments dropped, contiguous run. */
function pathMatches(reported: string, expected: string): boolean {
  const keep = (segments: string[]): string[] => segments.filter((segment) => !/^\d+$/.test(segment) && !segment.includes('='));
  const have = keep(pointerSegments(reported.startsWith('/') ? reported : `/${reported}`));
  const want = keep(pointerSegments(expected.startsWith('/') ? expected : `/${expected}`));
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((segment, offset) => have[start + offset] === segment)) return true;
  }
  return false;
}

const cases: CorpusCase[] = existsSync(join(CORPUS, 'cases.json'))
  ? (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as CorpusCase[])
  : [];

describe.skipIf(cases.length === 0)('Argo CD corpus conformance', () => {
  test.each(cases.map((corpusCase) => [corpusCase.name, corpusCase] as const))('%s', (_name, corpusCase) => {
    const declared = readObject(corpusCase.declared);
    const live = readObject(corpusCase.live);
    const namespace = corpusCase.namespace ?? declared.metadata.namespace ?? live.metadata.namespace;
    if (namespace) declared.metadata.namespace = namespace;
    const result = computeDrift([{ object: declared, file: corpusCase.declared, line: 1 }], {
      origin: corpusCase.live, objects: [live], lists: [], complete: true, clusterScopedKinds: [],
    });
    if (corpusCase.expected === 'no-drift') {
      expect(result.drift).toEqual([]);
      return;
    }
    expect(result.drift).toHaveLength(1);
    const entry = result.drift[0];
    expect(entry?.status).toBe('modified');
    const reported = (entry?.changes ?? []).map((change) => change.path);
    for (const expectedPath of corpusCase.paths) {
      expect(reported.some((path) => pathMatches(path, expectedPath)), `${expectedPath} in ${JSON.stringify(reported)}`).toBe(true);
    }
  });
});
