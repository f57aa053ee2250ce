import { describe, expect, test } from 'vitest';
import { CLUSTER_NAME_PATTERN, isClusterName } from '../../../lib/store/cluster-name.ts';
import schema from '../../../lib/config/driftwatch.schema.json' with { type: 'json' };

describe('cluster names', () => {
  test('the pattern is the config schema pattern of clusters[].name', () => {
    expect(CLUSTER_NAME_PATTERN.source).toBe(schema.properties.clusters.items.properties.name.pattern);
  });

  test('accepts report-safe names, refuses anything that could leave the report folder', () => {
    for (const name of ['prod', 'prod-eu-1', 'a', 'shop_eu.2']) expect(isClusterName(name)).toBe(true);
    for (const name of ['../x', '..', '.', 'a/b', 'Prod', '-prod', 'prod-', '', 'a\\b', 'prod eu'])
      expect(isClusterName(name)).toBe(false);
  });
});
