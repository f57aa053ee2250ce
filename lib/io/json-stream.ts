import { open } from 'node:fs/promises';

/**
 * Reads a JSON file whose top level is an object, such as the `kind: List` that `kubectl get -o json` prints, without
 * holding its text: the file is read in chunks and one scanner frames each element of the top-level `items` array,
 * which is JSON.parsed on its own and handed to `onItem` at once. The same scanner counts the nesting depth
 * (the rule of json-depth.ts: brackets outside strings), so no separate depth pass reads the bytes again.
 *
 * Everything the scanner does not frame (the other members, `items` as `[]`) is parsed at the end as the header.
 * Anything that is not plainly valid JSON of that shape gives `invalid` and the caller reads the file the old way,
 * which locates the error (or reads the YAML the text may be): this reader never decides a syntax error itself.
 */
export type JsonStreamResult =
  | { status: 'parsed'; header: Record<string, unknown>; itemCount: number }
  | { status: 'too-deep' }
  | { status: 'invalid' };

export interface JsonStreamOptions {
  /** Refuse input nested deeper than this (objects and arrays), before parsing the part that goes too deep. */
  maxDepth: number;
  /** Bytes read at a time; small values exercise framing across chunk boundaries in tests. */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 1 << 20;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Depth of the `items` array's elements: inside the top-level object (1) and the array (2). */
const ITEM_DEPTH = 2;

/** What scanDeep leaves in its state's second slot. */
const IN_TEXT = 0;
const IN_STRING = 1;
const IN_STRING_ESCAPED = 2;
const TOO_DEEP = 3;

/**
 * The hot loop, inside an element (or deep in the header), where only strings and brackets matter: scans from
 * `from` until the depth comes back to ITEM_DEPTH (returning the index after that bracket) or the chunk ends.
 * `state` receives the depth and IN_TEXT, IN_STRING(_ESCAPED) when the chunk ends inside a string, or TOO_DEEP.
 * A function of its own over plain locals so that V8 optimizes it as one tight loop.
 */
function scanDeep(chunk: Uint8Array, from: number, depthBefore: number, maxDepth: number, state: Int32Array): number {
  const length = chunk.length;
  let depth = depthBefore;
  for (let index = from; index < length; index++) {
    const code = chunk[index];
    if (code === 0x20) continue;
    if (code === QUOTE) {
      for (index++; index < length; index++) {
        const inner = chunk[index];
        if (inner === QUOTE) break;
        if (inner === BACKSLASH) index++;
      }
      if (index >= length) {
        state[0] = depth;
        state[1] = index > length ? IN_STRING_ESCAPED : IN_STRING;
        return length;
      }
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        state[1] = TOO_DEEP;
        return index;
      }
    } else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && --depth === ITEM_DEPTH) {
      state[0] = depth;
      state[1] = IN_TEXT;
      return index + 1;
    }
  }
  state[0] = depth;
  state[1] = IN_TEXT;
  return length;
}

class Invalid extends Error {}
class TooDeep extends Error {}

/** Streams `path` (see JsonStreamResult); `onItem` receives each parsed element of the top-level `items` array. */
export async function streamJsonItems(
  path: string,
  onItem: (item: unknown) => void,
  options: JsonStreamOptions,
): Promise<JsonStreamResult> {
  const framer = new ItemFramer(onItem, options.maxDepth);
  const handle = await open(path, 'r');
  try {
    const size = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    // A byte-order mark is not part of the text (readFile's text loses it too before parsing).
    const start = Buffer.alloc(BOM.length);
    const { bytesRead: startRead } = await handle.read(start, 0, BOM.length, null);
    if (startRead < BOM.length || !start.equals(BOM)) framer.push(start.subarray(0, startRead));
    for (;;) {
      // A fresh buffer per read: an element that spans chunks keeps views of the earlier ones until it is parsed.
      const chunk = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(chunk, 0, size, null);
      if (bytesRead === 0) break;
      framer.push(chunk.subarray(0, bytesRead));
    }
    const header = framer.finish();
    return { status: 'parsed', header, itemCount: framer.itemCount };
  } catch (error) {
    if (error instanceof TooDeep) return { status: 'too-deep' };
    if (error instanceof Invalid) return { status: 'invalid' };
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * The scanner. Outside the `items` elements (the header) it follows members of the top-level object to find the
 * `items` key; inside them it only counts brackets, skips strings and looks for the commas between elements.
 */
class ItemFramer {
  itemCount = 0;
  private depth = 0;
  private inString = false;
  /** In a string, the previous byte was a backslash: the next byte is escaped. */
  private escaped = false;
  private started = false;
  /** Header bytes kept (everything but the elements), and element bytes of earlier chunks. */
  private readonly header: Buffer[] = [];
  private element: Buffer[] = [];
  /** Where the header or the current element started in the chunk being scanned. */
  private headerFrom = 0;
  private elementFrom = -1;
  private inItems = false;
  /** In the items array: a comma was seen, so an element must follow. */
  private elementDue = false;
  /** Header state: the next string at depth 1 is a key; the key just read; waiting for that key's value. */
  private expectKey = false;
  private keyBytes: Buffer[] = [];
  private keyFrom = -1;
  private lastKey: string | undefined;
  private valueDue = false;
  private itemsKeys = 0;
  private readonly scan = new Int32Array(2);

  private readonly onItem: (item: unknown) => void;
  private readonly maxDepth: number;

  constructor(onItem: (item: unknown) => void, maxDepth: number) {
    this.onItem = onItem;
    this.maxDepth = maxDepth;
  }

  push(chunk: Buffer): void {
    const length = chunk.length;
    let index = 0;
    this.headerFrom = 0;
    if (!this.started) {
      index = this.skipStart(chunk);
      if (index >= length) return;
    }
    if (this.elementFrom >= 0) this.elementFrom = 0;
    if (this.keyFrom >= 0) this.keyFrom = 0;
    if (this.inString) index = this.resumeString(chunk, index);
    let depth = this.depth;
    while (index < length) {
      if (depth > ITEM_DEPTH) {
        index = scanDeep(chunk, index, depth, this.maxDepth, this.scan);
        depth = this.scan[0] ?? 0;
        if (this.scan[1] === TOO_DEEP) throw new TooDeep();
        if (this.scan[1] !== IN_TEXT) {
          this.inString = true;
          this.escaped = this.scan[1] === IN_STRING_ESCAPED;
        }
        continue;
      }
      this.depth = depth;
      index = this.shallow(chunk, index);
      depth = this.depth;
    }
    this.depth = depth;
    if (this.inItems) {
      if (this.elementFrom >= 0) this.element.push(chunk.subarray(this.elementFrom));
    } else {
      this.header.push(Buffer.from(chunk.subarray(this.headerFrom)));
    }
    if (this.keyFrom >= 0) this.keyBytes.push(Buffer.from(chunk.subarray(this.keyFrom)));
  }

  /** Continues a string that an earlier chunk left open; returns the index after its closing quote (or the length). */
  private resumeString(chunk: Buffer, from: number): number {
    const length = chunk.length;
    let index = from;
    if (this.escaped) index++;
    for (; index < length; index++) {
      const code = chunk[index];
      if (code === QUOTE) break;
      if (code === BACKSLASH) index++;
    }
    if (index >= length) {
      this.escaped = index > length;
      return length;
    }
    this.inString = false;
    this.escaped = false;
    if (this.keyFrom >= 0) this.endKey(chunk, index + 1);
    return index + 1;
  }

  /**
   * One byte at depth 2 or less: the top-level object's members (to find `items`), the commas between elements.
   * A string here is read to its end at once (or to the chunk's end, leaving inString set). Returns the next index.
   */
  private shallow(chunk: Buffer, index: number): number {
    let depth = this.depth;
    const code = chunk[index];
    if (isSpace(code)) return index + 1;
    if (this.inItems && depth === ITEM_DEPTH) {
      if (code === COMMA || code === CLOSE_BRACKET) {
        this.endElement(chunk, index, code === COMMA);
        if (code === CLOSE_BRACKET) {
          this.inItems = false;
          this.headerFrom = index;
          this.depth = 1;
        }
        return index + 1;
      }
      if (this.elementFrom < 0) this.elementFrom = index;
    } else if (depth === 1) {
      this.headerByte(code);
    }
    if (code === QUOTE) {
      if (depth === 1 && this.expectKey) {
        this.expectKey = false;
        this.keyFrom = index;
        this.keyBytes = [];
      }
      this.inString = true;
      this.escaped = false;
      return this.resumeString(chunk, index + 1);
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > this.maxDepth) throw new TooDeep();
      if (depth === 1) {
        if (code !== OPEN_BRACE) throw new Invalid();
        this.expectKey = true;
      } else if (depth === ITEM_DEPTH && this.startsItems(code)) {
        this.header.push(Buffer.from(chunk.subarray(this.headerFrom, index + 1)));
        this.inItems = true;
        this.elementDue = false;
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
    this.depth = depth;
    return index + 1;
  }

  finish(): Record<string, unknown> {
    if (!this.started || this.inItems || this.inString) throw new Invalid();
    const header = parseOrInvalid(Buffer.concat(this.header));
    if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Invalid();
    return header as Record<string, unknown>;
  }

  /** Skips a byte-order mark and white space before the first value, which must open an object. */
  private skipStart(chunk: Buffer): number {
    let index = 0;
    while (index < chunk.length && isSpace(chunk[index])) index++;
    if (index < chunk.length) {
      if (chunk[index] !== OPEN_BRACE) throw new Invalid();
      this.started = true;
      this.headerFrom = index;
    }
    return index;
  }

  /** A structural byte of the top-level object: after a key and its colon, the value is due; a comma starts a key. */
  private headerByte(code: number | undefined): void {
    if (code === COLON) {
      this.valueDue = this.lastKey !== undefined;
      return;
    }
    if (code === COMMA) {
      this.expectKey = true;
      this.lastKey = undefined;
      return;
    }
    if (this.valueDue && code !== OPEN_BRACKET) {
      this.valueDue = false;
      this.lastKey = undefined;
    }
  }

  /** True when the bracket opening at depth 2 is the `items` member's array. */
  private startsItems(code: number): boolean {
    const isItems = this.valueDue && this.lastKey === 'items' && code === OPEN_BRACKET;
    this.valueDue = false;
    this.lastKey = undefined;
    return isItems;
  }

  private endKey(chunk: Buffer, end: number): void {
    const bytes =
      this.keyBytes.length === 0
        ? chunk.subarray(this.keyFrom, end)
        : Buffer.concat([...this.keyBytes, chunk.subarray(this.keyFrom, end)]);
    const key = parseOrInvalid(bytes);
    this.lastKey = typeof key === 'string' ? key : undefined;
    // Two `items` members: JSON.parse keeps the last one, whatever it is; leave such a file to it.
    if (key === 'items' && this.itemsKeys++ > 0) throw new Invalid();
    this.keyFrom = -1;
    this.keyBytes = [];
  }

  private endElement(chunk: Buffer, index: number, comma: boolean): void {
    if (this.elementFrom < 0 && this.element.length === 0) {
      // `[]` is an empty array; `[,` `,,` `,]` are not JSON.
      if (comma || this.elementDue) throw new Invalid();
      return;
    }
    const tail = this.elementFrom >= 0 ? chunk.subarray(this.elementFrom, index) : chunk.subarray(0, 0);
    const bytes = this.element.length === 0 ? tail : Buffer.concat([...this.element, tail]);
    this.element = [];
    this.elementFrom = -1;
    this.elementDue = comma;
    this.itemCount++;
    this.onItem(parseOrInvalid(bytes));
  }
}

function isSpace(code: number | undefined): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function parseOrInvalid(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Invalid();
  }
}
