/**
 * CLI start time: `driftwatch --help` and `driftwatch validate` (the demo's plain folder) against `kubectl --help`,
 * the median of five runs each, run in turns so that a noisy neighbour hits all three alike.
 *
 *   npm run bench:start
 *
 * kubectl is the test world's (test/world/build-binaries.sh, cached after its first build). Prints one line:
 * `start: --help S s (R× kubectl), validate S s (R× kubectl), kubectl --help S s, --help peak RSS M MB`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 5;
const rssFile = join(ROOT, '.scratch', 'bench-start-rss');

function kubectlPath(): string {
  const printed = execFileSync('bash', [join(ROOT, 'test/world/build-binaries.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const assets = printed
    .split('\n')
    .find((line) => line.startsWith('KUBE_ASSETS='))
    ?.slice('KUBE_ASSETS='.length);
  if (!assets) throw new Error('test/world/build-binaries.sh printed no KUBE_ASSETS=');
  return join(assets, 'kubectl');
}

/** Wall time of one run, in seconds; the run must exit 0. */
function time(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const child = spawnSync(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${child.status ?? child.signal}: ${child.stderr}`);
  return seconds;
}

const median = (numbers: readonly number[]): number =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? Number.NaN;

const kubectl = kubectlPath();
const cli = join(ROOT, 'bin', 'driftwatch.mjs');
const help = [cli, '--help'];
const validate = [cli, 'validate', '--source', 'examples/gitops', '--path', 'clusters/demo', '--quiet'];
// One untimed run of each: a first run may build the CLI into its cache, which is not what users wait for every day.
time(process.execPath, help);
time(process.execPath, validate);
const timings = { help: [] as number[], validate: [] as number[], kubectl: [] as number[] };
for (let round = 0; round < RUNS; round++) {
  timings.kubectl.push(time(kubectl, ['--help']));
  timings.help.push(time(process.execPath, help));
  timings.validate.push(time(process.execPath, validate));
}
rmSync(rssFile, { force: true });
time(process.execPath, ['--import', join(ROOT, 'bench', 'max-rss.mjs'), ...help], {
  ...process.env,
  BENCH_RSS_FILE: rssFile,
});
const rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;

const kubectlSeconds = median(timings.kubectl);
const helpSeconds = median(timings.help);
const validateSeconds = median(timings.validate);
process.stdout.write(
  `start: --help ${helpSeconds.toFixed(2)} s (${(helpSeconds / kubectlSeconds).toFixed(1)}× kubectl), validate ${validateSeconds.toFixed(2)} s (${(validateSeconds / kubectlSeconds).toFixed(1)}× kubectl), kubectl --help ${kubectlSeconds.toFixed(2)} s, --help peak RSS ${rssMb.toFixed(0)} MB\n`,
);
