import { describe, expect, it } from 'vitest';
import { detectRenderer } from '../../../lib/render/detect.ts';
import { prepareManifests } from '../../../lib/render/render.ts';
import { DEFAULT_RENDERER_SETTINGS } from '../../../lib/render/types.ts';
import { treeOf } from './tree.ts';

describe('detectRenderer (as Argo CD util/app/discovery decides)', () => {
  it('renders a folder with Chart.yaml with Helm', () => {
    expect(
      detectRenderer(
        treeOf({ 'charts/shop/Chart.yaml': 'name: shop', 'charts/shop/templates/a.yaml': '' }),
        'charts/shop',
      ),
    ).toBe('helm');
  });

  it('renders a folder with kustomization.yaml, kustomization.yml or Kustomization with Kustomize', () => {
    for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
      expect(detectRenderer(treeOf({ [`overlays/prod/${name}`]: 'resources: []' }), 'overlays/prod')).toBe('kustomize');
    }
  });

  it('prefers Kustomize when a folder holds both, as the walk in name order does', () => {
    expect(detectRenderer(treeOf({ 'app/Chart.yaml': 'name: a', 'app/kustomization.yaml': '' }), 'app')).toBe(
      'kustomize',
    );
  });

  it('reads only the folder itself: a kustomization below it keeps the folder plain', () => {
    expect(detectRenderer(treeOf({ 'apps/web.yaml': '', 'apps/overlay/kustomization.yaml': '' }), 'apps')).toBe(
      'plain',
    );
  });

  it('takes any file ending in Chart.yaml for a chart, as Argo CD does', () => {
    expect(detectRenderer(treeOf({ 'app/MyChart.yaml': '' }), './app/')).toBe('helm');
  });
});

describe('prepareManifests on a plain folder', () => {
  it('warns that a kustomization below the cluster path is read as plain YAML, naming the folder to point at', async () => {
    const tree = treeOf({
      'clusters/prod/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      'clusters/prod/overlay/kustomization.yaml': 'resources: []\n',
    });

    const prepared = await prepareManifests(tree, 'clusters/prod', { settings: DEFAULT_RENDERER_SETTINGS });

    expect(prepared.info.renderer).toBe('plain');
    expect(prepared.problems).toContainEqual(
      expect.objectContaining({
        file: 'clusters/prod/overlay',
        severity: 'warning',
        message: expect.stringContaining('point the path at clusters/prod/overlay'),
      }),
    );
  });

  it('resolves a path that names the single top folder an archive lost (git archive without --prefix)', async () => {
    const tree = treeOf(
      { 'prod/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
      { topFolder: 'clusters' },
    );

    const prepared = await prepareManifests(tree, 'clusters/prod', { settings: DEFAULT_RENDERER_SETTINGS });

    expect(prepared.folder).toBe('prod');
    expect(prepared.files.map((file) => file.path)).toStrictEqual(['prod/web.yaml']);
  });
});
