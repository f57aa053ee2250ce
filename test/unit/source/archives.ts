/** Test-only builders for tar, tar.gz and zip archives, including malformed and malicious ones. */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import type { Header } from 'tar-stream';

export interface TarEntry extends Partial<Header> {
  name: string;
  content?: string | Buffer;
}

/** A tar made by tar-stream; `paxComment` prepends a pax global header like `git archive` writes. */
export async function tarOf(entries: TarEntry[], options: { paxComment?: string } = {}): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const { content, ...header } of entries) {
    if (content === undefined) pack.entry(header);
    else pack.entry(header, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  }
  const tar = Buffer.concat(chunks);
  if (options.paxComment === undefined) return tar;
  return Buffer.concat([paxGlobalHeader({ comment: options.paxComment }), tar]);
}

export async function tarGzOf(entries: TarEntry[], options: { paxComment?: string } = {}): Promise<Buffer> {
  return gzipSync(await tarOf(entries, options));
}

/** The `g` header block and its records, padded to 512 bytes (tar-stream's pack cannot write one). */
export function paxGlobalHeader(records: Record<string, string>): Buffer {
  const body = Buffer.from(
    Object.entries(records)
      .map(([key, value]) => paxRecord(key, value))
      .join(''),
    'utf8',
  );
  const header = Buffer.alloc(512);
  header.write('pax_global_header', 0, 'ascii');
  header.write('0000666\0', 100, 'ascii');
  header.write('0000000\0', 108, 'ascii');
  header.write('0000000\0', 116, 'ascii');
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write('00000000000\0', 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('g', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding]);
}

/** `<length> <key>=<value>\n`, where the length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest);
  while (String(length).length + Buffer.byteLength(rest) !== length)
    length = String(length).length + Buffer.byteLength(rest);
  return `${length}${rest}`;
}

export interface ZipEntry {
  name: string;
  content?: string | Buffer;
  /** Unix mode including the file type bits, stored in the external attributes (default: regular file 0644). */
  mode?: number;
  /** Uncompressed size written in the headers, to build entries that lie about their size. */
  declaredSize?: number;
  store?: boolean;
}

export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

/** A minimal zip writer: local headers, deflated (or stored) data, central directory, end record. */
export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = Buffer.from(entry.content ?? '');
    const packed = entry.store ? data : deflateRawSync(data);
    const method = entry.store ? 0 : 8;
    const size = entry.declaredSize ?? data.length;
    const checksum = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? S_IFREG | 0o644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
