import { describe, expect, it } from 'vitest';
import { parseImage } from '../../../lib/checks/images.ts';

describe('parseImage', () => {
  it('tells a registry port from a tag', () => {
    expect(parseImage('registry:5000/app')).toStrictEqual({ pinned: false });
    expect(parseImage('registry:5000/app:2.1')).toStrictEqual({ tag: '2.1', pinned: false });
    expect(parseImage('app@sha256:abc')).toStrictEqual({ pinned: true });
  });
});
