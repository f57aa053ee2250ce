import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { computeDrift } from '../../lib/diff/drift.ts';
import type { KubeObject } from '../../lib/kube/object.ts';
import { isKubeObject } from '../../lib/kube/object.ts';
import { CORPUS, corpusCases, pathMatches } from '../support/corpus.ts';
import { PREREQUISITES, available } from '../support/prerequisites.ts';

function readObject(relative: string): KubeObject {
  const parsed = load(readFileSync(join(CORPUS, relative), 'utf8'));
  if (!isKubeObject(parsed)) throw new Error(`${relative} is not a Kubernetes object`);
  return parsed;
}

const cases = corpusCases();

describe.skipIf(!available(PREREQUISITES.corpus))('Argo CD corpus conformance', () => {
  test.each(cases.map((corpusCase) => [corpusCase.name, corpusCase] as const))('%s', (_name, corpusCase) => {
    const declared = readObject(corpusCase.declared);
    const live = readObject(corpusCase.live);
    const namespace = corpusCase.namespace ?? declared.metadata.namespace ?? live.metadata.namespace;
    if (namespace) declared.metadata.namespace = namespace;
    const result = computeDrift(
      [{ object: declared, file: corpusCase.declared, line: 1 }],
      {
        origin: corpusCase.live,
        objects: [live],
        lists: [],
        complete: true,
        clusterScopedKinds: [],
      },
      { secretDigestKey: randomBytes(32) },
    );
    if (corpusCase.expected === 'no-drift') {
      expect(result.drift).toEqual([]);
      return;
    }
    expect(result.drift).toHaveLength(1);
    const entry = result.drift[0];
    expect(entry?.status).toBe('modified');
    const reported = (entry?.changes ?? []).map((change) => change.path);
    for (const expectedPath of corpusCase.paths) {
      expect(
        reported.some((path) => pathMatches(path, expectedPath)),
        `${expectedPath} in ${JSON.stringify(reported)}`,
      ).toBe(true);
    }
  });
});
