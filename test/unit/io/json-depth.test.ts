import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../../../lib/io/json-depth.ts';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays, up to the limit and one past it', () => {
    expect(exceedsJsonDepth(nested(3), 3)).toBe(false);
    expect(exceedsJsonDepth(nested(4), 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":{"b":[1,{"c":2}]}}', 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":{"b":[1,{"c":2}]}}', 4)).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes and backslashes included', () => {
    expect(exceedsJsonDepth('["[[[[", "\\"[[[[", "\\\\", "{{{{"]', 1)).toBe(false);
    expect(exceedsJsonDepth('["\\\\", [[]]]', 2)).toBe(true);
    expect(exceedsJsonDepth('["\\"", [[]]]', 2)).toBe(true);
  });

  it('reads an unterminated string as the end of the text', () => {
    expect(exceedsJsonDepth('["[[[[', 1)).toBe(false);
  });
});
