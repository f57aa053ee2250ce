import { describe, expect, test } from 'vitest';
import { printable, printableValue } from '../../../lib/io/printable.ts';

describe('printable', () => {
  test('control characters and bidi overrides become visible escapes; other text is untouched', () => {
    expect(printable('a\u001b[2Jb\rc\nd\te\u0007f\u009bg\u202eh')).toBe('a\\e[2Jb\\rc\\nd\\te\\u0007f\\u009bg\\u202eh');
    expect(printable('Pod shop/web — ünïcode ✓')).toBe('Pod shop/web — ünïcode ✓');
  });

  test('every string and key of a value, nothing else', () => {
    expect(printableValue({ 'k\r': ['\u001b', 3, null, true, { x: 'y\n' }] })).toEqual({
      'k\\r': ['\\e', 3, null, true, { x: 'y\\n' }],
    });
  });
});
