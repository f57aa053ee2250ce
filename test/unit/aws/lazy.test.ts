import { describe, expect, test } from 'vitest';
import { lazily, lazilyLoaded } from '../../../lib/aws/lazy.ts';

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

describe('lazilyLoaded', () => {
  test('loads once, and every caller (also concurrent ones) gets the same value', async () => {
    let loads = 0;
    const engine = lazilyLoaded(async () => ({ id: ++loads }));
    const [first, second] = await Promise.all([engine(), engine()]);
    expect(second).toBe(first);
    expect(await engine()).toBe(first);
    expect(loads).toBe(1);
  });

  test('a load that failed is tried again at the next call, not remembered as the answer', async () => {
    let loads = 0;
    const engine = lazilyLoaded(async () => {
      loads++;
      if (loads === 1) throw new Error('chunk missing');
      return { id: loads };
    });
    await expect(engine()).rejects.toThrow('chunk missing');
    expect(await engine()).toEqual({ id: 2 });
    expect(await engine()).toEqual({ id: 2 });
    expect(loads).toBe(2);
  });
});
