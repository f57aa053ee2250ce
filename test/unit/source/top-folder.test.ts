import { describe, expect, it } from 'vitest';
import { ScopeTable } from '../../../lib/kube/scope.ts';
import { readManifests } from '../../../lib/source/manifests.ts';
import { EntryBudget, buildTree } from '../../../lib/source/tree.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../../../lib/source/types.ts';

const CONFIG_MAP = Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\n');

function treeFrom(names: string[]) {
  const entries = names.map((name) => ({ type: 'file' as const, name, content: CONFIG_MAP }));
  return buildTree('repo.tar.gz', entries, new EntryBudget(DEFAULT_ARCHIVE_LIMITS, 'repo.tar.gz'), {});
}

describe('a cluster path in an archive whose single top folder was stripped', () => {
  it('resolves clusters/prod as written when git archive (no --prefix) of a repo with one root folder lost `clusters/`', () => {
    const tree = treeFrom(['clusters/prod/web.yaml', 'clusters/staging/web.yaml']);

    const declared = readManifests(tree, { path: 'clusters/prod', scope: new ScopeTable() });

    expect(tree.topFolder).toBe('clusters');
    expect(declared.problems).toStrictEqual([]);
    expect(declared.objects.map((item) => item.file)).toStrictEqual(['prod/web.yaml']);
  });

  it('still reads a path relative to the stripped wrapper folder (repo-<sha>/clusters/prod)', () => {
    const tree = treeFrom(['repo-0123abc/clusters/prod/web.yaml']);

    const declared = readManifests(tree, { path: 'clusters/prod', scope: new ScopeTable() });

    expect(declared.objects).toHaveLength(1);
  });
});
