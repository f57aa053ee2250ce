/** Local audit log files: JSON lines, plain or gzipped (rotated files too), read as streams. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AuditLineParser } from './parse.ts';
import type { AuditLogRead, AuditLogSource } from './types.ts';

/** The files as one source, in the order given (`--audit-log FILE`, repeatable). */
export function fileAuditLog(files: readonly string[]): AuditLogSource {
  return {
    describe: `file ${files.map((file) => basename(file)).join(', ')}`,
    read: () => readAuditLogFiles(files),
  };
}

export async function readAuditLogFiles(files: readonly string[]): Promise<AuditLogRead> {
  const parser = new AuditLineParser();
  for (const file of files) await readInto(file, parser);
  return parser.result();
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function readInto(file: string, parser: AuditLineParser): Promise<void> {
  const gzipped = await isGzip(file); // before the stream: a file that cannot be opened fails here
  const raw = createReadStream(file);
  const stream: Readable = gzipped ? raw.pipe(createGunzip()) : raw;
  const failed = new Promise<never>((_resolve, reject) => {
    raw.once('error', reject);
    stream.once('error', reject);
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const done = (async () => {
    for await (const line of lines) parser.add(line);
  })();
  await Promise.race([done, failed]);
}
