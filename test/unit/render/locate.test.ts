import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateRenderer } from '../../../lib/render/locate.ts';

let folder = '';

async function executable(name: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dw-locate-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('locateRenderer', () => {
  it('uses the configured program first and takes it for what its name says', async () => {
    const dwrender = await executable('dwrender');
    const helm = await executable('helm');

    expect(locateRenderer('kustomize', 'k', { configured: dwrender, builtIn: [] })).toStrictEqual({
      name: 'dwrender',
      path: dwrender,
    });
    expect(locateRenderer('helm', 'c', { configured: helm, builtIn: [] })).toStrictEqual({ name: 'helm', path: helm });
    expect(() => locateRenderer('kustomize', 'k', { configured: helm, builtIn: [] })).toThrow(
      'is helm, but this folder needs kustomize',
    );
    expect(() => locateRenderer('helm', 'c', { configured: join(folder, 'absent'), builtIn: [] })).toThrow(
      'is not an executable file',
    );
  });

  it('prefers the project build, then kustomize and helm on PATH (kustomize gets helm for helmCharts)', async () => {
    const kustomize = await executable('kustomize');
    const helm = join(folder, 'helm');

    expect(locateRenderer('kustomize', 'k', { builtIn: [join(folder, 'dwrender')] })).toStrictEqual({
      name: 'dwrender',
      path: join(folder, 'dwrender'),
    });
    expect(locateRenderer('kustomize', 'k', { builtIn: [], pathVariable: `/nonexistent:${folder}` })).toStrictEqual({
      name: 'kustomize',
      path: kustomize,
      helm,
    });
  });

  it('says which folder needs which tool and how to get one when none is found', () => {
    expect(() => locateRenderer('helm', 'charts/shop', { builtIn: [], pathVariable: '/nonexistent' })).toThrow(
      'charts/shop needs Helm to render, and no renderer was found: run `npm run build:renderer` (builds dwrender from Go modules), install helm on PATH, or set renderer.path',
    );
  });
});
