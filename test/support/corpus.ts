import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pointerSegments } from '../../lib/diff/path.ts';

/**
 * The public corpus of Argo CD config/live pairs, re-labelled with driftwatch verdicts (see its README);
 * DRIFTWATCH_CORPUS points elsewhere (the reporter's own test uses it to stand for a missing corpus).
 */
export const CORPUS = process.env['DRIFTWATCH_CORPUS'] ?? join(import.meta.dirname, '../../../shared/corpus/argo-cd');

export interface CorpusCase {
  name: string;
  declared: string;
  live: string;
  expected: 'no-drift' | 'modified';
  paths: string[];
  /** The namespace Argo CD applied a declared object without one to. */
  namespace?: string;
}

/** The cases, or none when ../shared/corpus is absent (the suites then skip). */
export function corpusCases(): CorpusCase[] {
  const file = join(CORPUS, 'cases.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CorpusCase[]) : [];
}

/** Key-agnostic match as the corpus README defines it: indexes and key=value segments dropped, contiguous run. */
export function pathMatches(reported: string, expected: string): boolean {
  const keep = (segments: string[]): string[] =>
    segments.filter((segment) => !/^\d+$/.test(segment) && !segment.includes('='));
  const have = keep(pointerSegments(reported.startsWith('/') ? reported : `/${reported}`));
  const want = keep(pointerSegments(expected.startsWith('/') ? expected : `/${expected}`));
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((segment, offset) => have[start + offset] === segment)) return true;
  }
  return false;
}
