import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamJsonItems } from '../../../lib/io/json-stream.ts';
import type { JsonStreamResult } from '../../../lib/io/json-stream.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'json-stream-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function stream(
  text: string | Buffer,
  chunkBytes?: number,
  maxDepth = 100,
): Promise<{ result: JsonStreamResult; items: unknown[] }> {
  const path = join(dir, `f${files++}.json`);
  await writeFile(path, text);
  const items: unknown[] = [];
  const result = await streamJsonItems(path, (item) => items.push(item), {
    maxDepth,
    ...(chunkBytes ? { chunkBytes } : {}),
  });
  return { result, items };
}

/** Items whose strings hold what a naive framer trips on: brackets, commas, escaped quotes and backslashes, UTF-8. */
const TRICKY_ITEMS = [
  {
    kind: 'ConfigMap',
    metadata: { name: 'a' },
    data: { script: 'if [ "$x" ]; then { echo "}],{"; } fi', quote: 'say \\"hi\\"', slash: 'C:\\\\', tail: '\\' },
  },
  {
    kind: 'ConfigMap',
    metadata: { name: 'b' },
    data: { utf8: 'é—漢字 🚀', empty: '', brace: '{' },
    list: [[], {}, [1, [2, [3]]], null, true, 0.5],
  },
  'a scalar item, with a comma',
  42,
  null,
  [],
];
const TRICKY = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '', annotations: { note: '"items": [' } },
  items: TRICKY_ITEMS,
  zz: { items: [1] },
};

describe('streamJsonItems', () => {
  it('frames every item across chunk boundaries of any size, compact and indented', async () => {
    for (const text of [JSON.stringify(TRICKY), JSON.stringify(TRICKY, null, 4), JSON.stringify(TRICKY, null, '\t')]) {
      for (const chunkBytes of [1, 2, 3, 5, 7, 64, undefined]) {
        const { result, items } = await stream(text, chunkBytes);
        expect(result).toEqual({ status: 'parsed', header: { ...TRICKY, items: [] }, itemCount: TRICKY_ITEMS.length });
        expect(items).toEqual(TRICKY_ITEMS);
      }
    }
  });

  it('reads a byte-order mark and white space before the object, an empty list and an object without items', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \n{"kind": "List", "items": [ ]}\n')]);
    expect((await stream(bom, 1)).result).toEqual({
      status: 'parsed',
      header: { kind: 'List', items: [] },
      itemCount: 0,
    });
    const single = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' }, items: 'not an array' };
    expect(await stream(JSON.stringify(single), 4)).toEqual({
      result: { status: 'parsed', header: single, itemCount: 0 },
      items: [],
    });
  });

  it('refuses nesting past the limit as it reads, in an item or in the header, and allows the limit itself', async () => {
    const within = { kind: 'List', items: [JSON.parse(`${'['.repeat(98)}${']'.repeat(98)}`)] };
    expect((await stream(JSON.stringify(within), 3)).result.status).toBe('parsed');
    const tooDeep = { kind: 'List', items: [JSON.parse(`${'['.repeat(99)}${']'.repeat(99)}`)] };
    expect((await stream(JSON.stringify(tooDeep), 3)).result).toEqual({ status: 'too-deep' });
    const deepHeader = `{"metadata": ${'{"a":'.repeat(100)}1${'}'.repeat(100)}, "items": []}`;
    expect((await stream(deepHeader, 5)).result).toEqual({ status: 'too-deep' });
    // Brackets inside strings do not count.
    expect((await stream(JSON.stringify({ items: ['['.repeat(200)] }), 5)).result.status).toBe('parsed');
  });

  it('leaves anything that is not plainly valid JSON of that shape to the caller (invalid)', async () => {
    const full = JSON.stringify(TRICKY, null, 2);
    const invalid = [
      full.slice(0, full.length - 10), // truncated
      full.slice(0, full.indexOf('"a scalar')), // truncated inside the items
      '{"items": [{"a": 1} {"b": 2}]}', // a missing comma
      '{"items": [1,]}',
      '{"items": [,1]}',
      '{"items": [1,,2]}',
      '{"items": [1], "items": [2]}', // JSON.parse keeps the last one
      '{"items": [1]} {"items": [2]}',
      '{"items": [1]} trailing',
      '{"unterminated": "string}',
      '{kind: List, items: []}', // YAML, not JSON
      '[{"kind": "List"}]',
      'kind: List\nitems: []\n',
      '',
    ];
    for (const text of invalid) {
      for (const chunkBytes of [1, 7, undefined])
        expect((await stream(text, chunkBytes)).result, text).toEqual({ status: 'invalid' });
    }
  });

  it('frames pretty-printed items whatever their indentation suggests, and counts their depth', async () => {
    const misleading = '{"items": [\n  {"a": {\n  },\n  "b": "\\n  }"\n  },\n  {\n  }\n]}';
    for (const chunkBytes of [3, undefined]) {
      expect(await stream(misleading, chunkBytes)).toEqual({
        result: { status: 'parsed', header: { items: [] }, itemCount: 2 },
        items: [{ a: {}, b: '\n  }' }, {}],
      });
    }
    const deepItem = (levels: number): string =>
      JSON.stringify(
        {
          kind: 'List',
          items: [JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`)].map((list: unknown) => ({ list })),
        },
        null,
        4,
      );
    expect((await stream(deepItem(97))).result.status).toBe('parsed');
    expect((await stream(deepItem(98))).result).toEqual({ status: 'too-deep' });
    expect((await stream('{"items": [\n  {\n  } x\n]}')).result).toEqual({ status: 'invalid' });
  });
});
