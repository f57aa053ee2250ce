import { describe, expect, it } from 'vitest';
import { tolerates } from '../../../lib/checks/tolerations.ts';

describe('toleration matching (Kubernetes rules)', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

  it('matches Equal on key, value and effect', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint)).toBe(true);
    expect(tolerates({ key: 'dedicated', value: 'gpu' }, taint)).toBe(true);
    expect(tolerates({ key: 'dedicated', operator: 'Equal', value: 'cpu' }, taint)).toBe(false);
  });

  it('matches Exists on the key whatever the value', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
  });

  it('lets an empty key with Exists tolerate every taint', () => {
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ operator: 'Exists' }, { key: 'x', effect: 'NoExecute' })).toBe(true);
  });

  it('requires the same effect when the toleration names one', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
  });
});
