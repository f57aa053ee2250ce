import type { DeclaredState } from './types.ts';
import { problemPlace } from './problem.ts';

/** A cluster with a source whose folder declares no object at all: auditing it would give a clean bill for nothing. */
export class NothingDeclaredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingDeclaredError';
  }
}

/**
 * The declared state, if it holds at least one object; otherwise throws one line naming the source and the folder
 * and why (no such folder, no manifest file, no object in them). An empty or wrong archive is an error, never
 * "no drift", wherever the declared state is read (CLI: exit 2; AWS: a failed audit, retried and alarmed).
 */
export function requireDeclaredObjects(
  declared: DeclaredState,
  path: string,
  renderedWith?: 'kustomize' | 'helm',
): DeclaredState {
  if (declared.objects.length > 0) return declared;
  const folder = path === '' || path === '.' ? '' : ` under ${path}`;
  const why = renderedWith
    ? `${renderedWith === 'helm' ? 'helm template' : 'kustomize build'} printed no object`
    : whyNothing(declared);
  throw new NothingDeclaredError(`no declared object in ${declared.location}${folder}: ${why}`);
}

function whyNothing(declared: DeclaredState): string {
  const failed = declared.problems.filter((problem) => problem.severity === 'error');
  if (declared.fileCount === 0)
    return failed.some((problem) => problem.message.startsWith('folder not found'))
      ? 'the folder does not exist'
      : 'no .yaml, .yml or .json file';
  const files = `${declared.fileCount} manifest file${declared.fileCount === 1 ? '' : 's'}`;
  const first = failed[0];
  if (first) return `${files}, ${failed.length} failed (first: ${problemPlace(first)}: ${first.message})`;
  return `${files}, none holds a Kubernetes object`;
}
