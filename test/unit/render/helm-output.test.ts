import { describe, expect, it } from 'vitest';
import { splitHelmOutput } from '../../../lib/render/render.ts';

const OUTPUT = [
  '---',
  '# Source: shop/crds/widgets.yaml',
  'kind: CustomResourceDefinition',
  '---',
  '# Source: shop/templates/web.yaml',
  'kind: Deployment',
  '---',
  '# Source: shop/charts/redis/templates/redis.yaml',
  'kind: StatefulSet',
  '---',
  '# Source: shop/templates/web.yaml',
  'kind: Service',
  '',
].join('\n');

describe('splitHelmOutput', () => {
  it('names each document by the template it came from, as a path of the source tree', () => {
    const files = splitHelmOutput(OUTPUT, 'charts/shop');

    expect(files.map((file) => file.path)).toStrictEqual([
      'charts/shop/crds/widgets.yaml',
      'charts/shop/templates/web.yaml',
      'charts/shop/charts/redis/templates/redis.yaml',
    ]);
    expect(files[1]?.content.toString()).toContain('kind: Deployment');
    expect(files[1]?.content.toString()).toContain('kind: Service');
  });
});
