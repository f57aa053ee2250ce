import { afterEach, describe, expect, test, vi } from 'vitest';
import { SourceError } from '../../../lib/source/error.ts';
import { downloadWeb } from '../../../lib/source/remote.ts';

/** A body whose cancel() rejects, as it does when the connection was reset under it. */
function failingBody(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    cancel() {
      throw new Error('socket hang up');
    },
  });
}

/** Unhandled rejections seen while `run` runs and for a few turns of the event loop after. */
async function unhandledDuring(run: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    await run().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const URL_OF = new URL('https://git.example.com/repo.tar.gz');
const CAP = 1024 * 1024;

describe('discarded download bodies', () => {
  test('a refused download whose body cannot be cancelled: the status error, no unhandled rejection', async () => {
    vi.stubGlobal('fetch', async () => new Response(failingBody(), { status: 404 }));
    const seen = await unhandledDuring(async () => {
      await expect(downloadWeb(URL_OF, {}, CAP)).rejects.toThrow(
        new SourceError('https://git.example.com/repo.tar.gz: not found (HTTP 404)'),
      );
    });
    expect(seen).toEqual([]);
  });

  test('a redirect whose body cannot be cancelled is still followed', async () => {
    const responses = [
      new Response(failingBody(), { status: 302, headers: { location: '/elsewhere.tar.gz' } }),
      new Response('archive', { status: 200 }),
    ];
    vi.stubGlobal('fetch', async () => responses.shift() ?? new Response(null, { status: 500 }));
    const download = await downloadWeb(URL_OF, {}, CAP);
    expect(download.data.toString('utf8')).toBe('archive');
  });

  test('an archive over the cap by its Content-Length whose body cannot be cancelled: the size error', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(failingBody(), { status: 200, headers: { 'content-length': String(CAP + 1) } }),
    );
    await expect(downloadWeb(URL_OF, {}, CAP)).rejects.toBeInstanceOf(SourceError);
  });
});
