import { describe, expect, test } from 'vitest';
import { lazily } from '../../../lib/aws/lazy.ts';

describe('lazily', () => {
  test('makes the client on first use only, then hands out the same one', () => {
    let made = 0;
    const client = lazily(() => ({ id: ++made }));
    expect(made).toBe(0);
    const first = client();
    expect(client()).toBe(first);
    expect(made).toBe(1);
  });
});
