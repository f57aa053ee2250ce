import { describe, expect, test } from 'vitest';
import { parseQuantity, quantitiesEqual } from '../../../lib/diff/quantity.ts';

describe('quantities', () => {
  test.each([
    ['0.5', '500m'],
    [0.5, '500m'],
    ['1', '1000m'],
    [1, '1000m'],
    ['1Gi', '1073741824'],
    ['1Gi', '1024Mi'],
    ['1k', '1000'],
    ['1e3', '1k'],
    ['1.5Gi', '1536Mi'],
    ['100n', '0.0000001'],
  ])('%s equals %s', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(true);
  });

  test.each([
    ['1G', '1Gi'],
    ['500m', '0.6'],
    ['1Mi', '1M'],
  ])('%s differs from %s', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(false);
  });

  test('text that is no quantity never equals anything', () => {
    expect(parseQuantity('lots')).toBeUndefined();
    expect(quantitiesEqual('lots', 'lots')).toBe(false);
  });
});
