/**
 * The parse floor of a snapshot audit: read the same files and JSON.parse them, nothing else. No audit of those files
 * can be faster than this, so bench/snapshot.ts reports the audit as a ratio of it.
 *
 *   node bench/parse-floor.ts FILE...
 */
import { readFileSync } from 'node:fs';

let objects = 0;
for (const file of process.argv.slice(2)) {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed === 'object' && parsed !== null && 'items' in parsed && Array.isArray(parsed.items))
    objects += parsed.items.length;
}
process.stdout.write(`${objects}\n`);
