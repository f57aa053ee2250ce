import { describe, expect, it } from 'vitest';
import { RenderError } from '../../../lib/render/error.ts';
import { refuseRemoteKustomizeInputs } from '../../../lib/render/refuse.ts';
import { treeOf } from './tree.ts';

describe('refuseRemoteKustomizeInputs', () => {
  it('refuses a remote base, naming the kustomization file, the field and the entry', () => {
    const tree = treeOf({
      'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\n',
      'base/kustomization.yaml': 'resources:\n  - deploy.yaml\n  - github.com/acme/shared//base?ref=v1\n',
      'base/deploy.yaml': '',
    });

    expect(() => refuseRemoteKustomizeInputs(tree, 'overlays/prod')).toThrow(RenderError);
    expect(() => refuseRemoteKustomizeInputs(tree, 'overlays/prod')).toThrow(
      'base/kustomization.yaml: resources[1] github.com/acme/shared//base?ref=v1 is remote',
    );
  });

  it('refuses https and git@ URLs in components too', () => {
    expect(() =>
      refuseRemoteKustomizeInputs(
        treeOf({ 'k/kustomization.yaml': 'components: [https://example.com/c.yaml]\n' }),
        'k',
      ),
    ).toThrow('components[0]');
    expect(() =>
      refuseRemoteKustomizeInputs(
        treeOf({ 'k/kustomization.yaml': 'resources: ["git@github.com:acme/x.git"]\n' }),
        'k',
      ),
    ).toThrow('is remote');
  });

  it('refuses a helmCharts chart that is not vendored under chartHome, and accepts a vendored one', () => {
    const remote = treeOf({
      'k/kustomization.yaml':
        'helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n    version: 1.0.0\n',
    });
    expect(() => refuseRemoteKustomizeInputs(remote, 'k')).toThrow(
      'helmCharts[0] redis (repo https://charts.example.com) is not vendored under k/charts/redis',
    );

    const vendored = treeOf({
      'k/kustomization.yaml':
        'helmGlobals: {chartHome: vendor}\nhelmCharts:\n  - name: redis\n    repo: https://charts.example.com\n',
      'k/vendor/redis/Chart.yaml': 'name: redis\n',
    });
    expect(() => refuseRemoteKustomizeInputs(vendored, 'k')).not.toThrow();
  });

  it('accepts local bases and files, whatever their names look like', () => {
    const tree = treeOf({
      'k/kustomization.yaml': 'resources: [github.com/vendored, ../base]\n',
      'k/github.com/vendored/kustomization.yaml': 'resources: []\n',
      'base/kustomization.yaml': 'resources: []\n',
    });

    expect(() => refuseRemoteKustomizeInputs(tree, 'k')).not.toThrow();
  });
});
