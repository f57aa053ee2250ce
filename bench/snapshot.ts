/**
 * A snapshot audit against its parse floor: N live objects (default 10,000) and N/4 declared, drift seeded
 * (bench/snapshot-world.ts), then three rounds of the real CLI (`driftwatch audit --source … --snapshot … --format
 * json --no-write`) and a process that only reads and JSON.parses the same files (bench/parse-floor.ts), alternately.
 *
 *   npm run bench:snapshot [-- --objects 50000]
 *
 * Prints one line: `snapshot: audit S s, floor S s, ratio R, peak RSS M MB, drift exact yes|no` (medians of the three
 * rounds, the peak of the audit's RSS). Drift exact compares the report's drift with the seeded drift.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { driftOf, writeSnapshotWorld } from './snapshot-world.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { objects: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '3' } },
});
const liveCount = Number(values.objects);
const rounds = Number(values.rounds);
const dir = join(ROOT, '.scratch', `bench-snapshot-${liveCount}`);
const world = writeSnapshotWorld(dir, liveCount);
const rssFile = join(dir, 'max-rss');

interface Run {
  seconds: number;
  rssMb: number;
  stdout: string;
}

/** One node process with the peak-RSS preload; its stdout, wall time and peak RSS. */
function run(args: readonly string[], okCodes: readonly number[]): Run {
  rmSync(rssFile, { force: true });
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', join(ROOT, 'bench', 'max-rss.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.status === null || !okCodes.includes(child.status)) {
    throw new Error(
      `${args.join(' ')} exited ${child.status ?? child.signal}: ${child.stderr.split('\n').slice(-5).join('\n')}`,
    );
  }
  return { seconds, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024, stdout: child.stdout };
}

const audit = (): Run =>
  run(
    [
      'bin/driftwatch.mjs',
      'audit',
      '--source',
      world.sourceDir,
      '--snapshot',
      world.snapshotFile,
      '--format',
      'json',
      '--no-write',
      '--quiet',
    ],
    [0, 1],
  );
const floor = (): Run => run(['bench/parse-floor.ts', ...world.files], [0]);

const audits: Run[] = [];
const floors: Run[] = [];
for (let round = 0; round < rounds; round++) {
  audits.push(audit());
  floors.push(floor());
}

const median = (numbers: readonly number[]): number =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? Number.NaN;
const auditSeconds = median(audits.map((entry) => entry.seconds));
const floorSeconds = median(floors.map((entry) => entry.seconds));
const reported = driftOf(audits[0]?.stdout ?? '{"drift":[]}');
const exact =
  reported.length === world.expected.length && reported.every((line, index) => line === world.expected[index]);
if (!exact && process.env['BENCH_DEBUG']) {
  process.stderr.write(
    `expected:\n${world.expected.filter((line) => !reported.includes(line)).join('\n')}\nreported:\n${reported.filter((line) => !world.expected.includes(line)).join('\n')}\n`,
  );
}
process.stderr.write(
  `${world.declared} declared, ${world.live} live objects, ${world.expected.length} seeded drifts; floor peak RSS ${Math.max(...floors.map((entry) => entry.rssMb)).toFixed(0)} MB\n`,
);
process.stdout.write(
  `snapshot: audit ${auditSeconds.toFixed(2)} s, floor ${floorSeconds.toFixed(2)} s, ratio ${(auditSeconds / floorSeconds).toFixed(1)}, peak RSS ${Math.max(...audits.map((entry) => entry.rssMb)).toFixed(0)} MB, drift exact ${exact ? 'yes' : 'no'}\n`,
);
