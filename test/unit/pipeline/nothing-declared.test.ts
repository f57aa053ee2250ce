import { describe, expect, test } from 'vitest';
import { NothingDeclaredError } from '../../../lib/source/require-declared.ts';
import { auditSnapshot, snapshotText, tree } from './helpers.ts';

const LIVE = snapshotText([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop' } }]);

describe('a cluster whose source declares nothing', () => {
  test('fails its audit (the CLI and the AWS run share this step), naming the source and the folder', async () => {
    await expect(auditSnapshot(LIVE, { tree: tree({}, 'repo.tar.gz') })).rejects.toThrow(
      new NothingDeclaredError('no declared object in repo.tar.gz: no .yaml, .yml or .json file'),
    );
    await expect(
      auditSnapshot(LIVE, { tree: tree({ 'apps/broken.yaml': 'a: [' }, 'repo.tar.gz'), sourcePath: 'apps' }),
    ).rejects.toThrow(
      /^no declared object in repo\.tar\.gz under apps: 1 manifest file, 1 failed \(first: apps\/broken\.yaml:\d+: syntax error/,
    );
  });

  test('the checks alone (no source) still run', async () => {
    const report = await auditSnapshot(LIVE);
    expect(report.summary.declared).toBe(0);
  });
});
