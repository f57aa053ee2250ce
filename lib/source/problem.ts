import type { SourceProblem } from './types.ts';

/** `clusters/prod/web.yaml:12`, or the file alone when the problem has no line: how every output names a problem's place. */
export function problemPlace(problem: Pick<SourceProblem, 'file' | 'line'>): string {
  return `${problem.file}${problem.line ? `:${problem.line}` : ''}`;
}
