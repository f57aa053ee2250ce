import { describe, expect, it } from 'vitest';
import { parseImage } from '../../../lib/checks/images.ts';
import { config, pod, runCheck } from './helpers.ts';

function withImage(image: string): ReturnType<typeof pod> {
  return pod('web-1', { spec: { containers: [{ name: 'app', image }] } });
}

describe('images-latest', () => {
  it('fires on :latest and on an untagged image', () => {
    expect(runCheck('images-latest', [withImage('nginx:latest')])[0]?.message).toBe('Pod shop/web-1: container "app" uses image "nginx:latest"');
    expect(runCheck('images-latest', [withImage('registry.local:5000/shop/web')])[0]?.message).toContain('without a tag (means :latest)');
  });

  it('stays quiet on a version tag and on a digest-pinned :latest', () => {
    const pinned = 'nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

    expect(runCheck('images-latest', [withImage('nginx:1.27.2'), withImage(pinned)])).toStrictEqual([]);
  });
});

describe('images-without-digest', () => {
  it('is off by default', () => {
    expect(runCheck('images-without-digest', [withImage('nginx:1.27.2')])).toStrictEqual([]);
  });

  it('fires when switched on, and stays quiet on a digest-pinned twin', () => {
    const on = { config: config({ imagesWithoutDigest: true }) };

    expect(runCheck('images-without-digest', [withImage('nginx:1.27.2')], on)[0]?.severity).toBe('low');
    expect(runCheck('images-without-digest', [withImage('nginx@sha256:0123')], on)).toStrictEqual([]);
  });
});

describe('parseImage', () => {
  it('tells a registry port from a tag', () => {
    expect(parseImage('registry:5000/app')).toStrictEqual({ pinned: false });
    expect(parseImage('registry:5000/app:2.1')).toStrictEqual({ tag: '2.1', pinned: false });
    expect(parseImage('app@sha256:abc')).toStrictEqual({ pinned: true });
  });
});
