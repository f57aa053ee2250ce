import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../lib/io/glob.ts';

describe('matchesPattern (the one glob of driftwatch.yaml)', () => {
  it('matches whole values: * is any run of characters, / and : and the empty run included', () => {
    expect(matchesPattern('batch-nightly', 'batch-*')).toBe(true);
    expect(matchesPattern('x-batch-nightly', 'batch-*')).toBe(false);
    expect(matchesPattern('serviceaccount:ci/deployer', 'serviceaccount:*')).toBe(true);
    expect(matchesPattern('registry.example.com/team/app:1.2', '*/team/*')).toBe(true);
    expect(matchesPattern('', '*')).toBe(true);
    expect(matchesPattern('.hidden', '*')).toBe(true);
    expect(matchesPattern('multi\nline', 'multi*')).toBe(true);
  });

  it('? is exactly one character, / included', () => {
    expect(matchesPattern('node-exporter', 'node-?xporter')).toBe(true);
    expect(matchesPattern('a/b', 'a?b')).toBe(true);
    expect(matchesPattern('ab', 'a?b')).toBe(false);
  });

  it('has no other special characters, and case counts', () => {
    expect(matchesPattern('ab', '{ab,cd}')).toBe(false);
    expect(matchesPattern('{ab,cd}', '{ab,cd}')).toBe(true);
    expect(matchesPattern('a', '[ab]')).toBe(false);
    expect(matchesPattern('a.b+c', 'a.b+c')).toBe(true);
    expect(matchesPattern('axb', 'a.b')).toBe(false);
    expect(matchesPattern('!x', '!x')).toBe(true);
    expect(matchesPattern('Deployment', 'deployment')).toBe(false);
    expect(matchesPattern('x', '')).toBe(false);
    expect(matchesPattern('', '')).toBe(true);
  });
});
