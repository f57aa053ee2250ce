import type { SourceTree } from '../../../lib/source/types.ts';

/** An in-memory source tree from `path: content` pairs. */
export function treeOf(files: Record<string, string>, extra: Partial<SourceTree> = {}): SourceTree {
  return {
    location: 'memory',
    files: Object.entries(files).map(([path, content]) => ({ path, content: Buffer.from(content) })),
    problems: [],
    ...extra,
  };
}
