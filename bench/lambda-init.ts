/**
 * Lambda init of the two functions exactly as `npm run package` ships them: the zips in .serverless/ are unpacked and
 * each function's handler file (from the template's `Handler`, resolved as the Node runtime does) is imported the way
 * the runtime does it: `await import(file)` in a fresh process, working folder = the unpacked zip (/var/task),
 * `NODE_OPTIONS` as the functions' environment sets it, no network. Five fresh processes per function, in turns; the
 * median is reported. Module init is the time of that `import()`: what Lambda reports as Init Duration, less the
 * runtime's own start.
 *
 *   npm run bench:lambda-init [-- --reuse-zips]
 *
 * It runs `npm run package` first (offline; the renderer layer is a cache hit after the first build) unless
 * `--reuse-zips` says the zips in .serverless/ are current. Prints a details line (CPU time of init, the bytes init
 * evaluates: the handler file and its static imports; then, in the same process, the time to import every module the
 * handler reaches only through `import()`, which the first invocation pays instead), then one line to compare:
 * `lambda: audit init S ms, schedule init S ms, audit zip N KiB, schedule zip N KiB` (goal, issue 12: ≤ 200 ms,
 * ≤ 2 MB per zip).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { extractZip, handlerFile, handlerModules } from '../test/support/lambda-zip.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { 'reuse-zips': { type: 'boolean', default: false } } });
const RUNS = 5;
const FUNCTIONS = ['audit', 'schedule'] as const;
const PACKAGE = join(ROOT, '.serverless');
const out = join(ROOT, '.scratch', 'bench-lambda-init');

interface FunctionResource {
  Type: string;
  Properties?: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
}

/** The packaged function's handler string and `NODE_OPTIONS`, from the template `npm run package` wrote. */
function deployedFunction(name: string): { handler: string; nodeOptions: string } {
  const template = JSON.parse(readFileSync(join(PACKAGE, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, FunctionResource>;
  };
  const id = `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}LambdaFunction`;
  const properties = template.Resources[id]?.Properties;
  if (!properties?.Handler) throw new Error(`the template has no ${id} handler`);
  const nodeOptions = properties.Environment?.Variables?.['NODE_OPTIONS'];
  return { handler: properties.Handler, nodeOptions: typeof nodeOptions === 'string' ? nodeOptions : '' };
}

interface Init {
  ms: number;
  cpuMs: number;
  /** Then, in the same process, `import()` of every module the handler loads lazily: the first invocation's share. */
  lazyMs: number;
}

/** Wall and CPU milliseconds of `await import(file)` in a fresh Node process, with the functions' environment. */
function importMs(file: string, lazy: readonly string[], taskRoot: string, nodeOptions: string): Init {
  const script = [
    'const started = performance.now(); const cpu = process.cpuUsage();',
    `await import(${JSON.stringify(file)});`,
    'const used = process.cpuUsage(cpu); const initMs = performance.now() - started;',
    `const lazyStarted = performance.now(); await Promise.all(${JSON.stringify(lazy)}.map((each) => import(each)));`,
    'process.stdout.write(JSON.stringify({ ms: initMs, cpuMs: (used.user + used.system) / 1000, lazyMs: performance.now() - lazyStarted }));',
  ].join(' ');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: taskRoot,
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      LAMBDA_TASK_ROOT: taskRoot,
      POWERTOOLS_SERVICE_NAME: 'driftwatch',
      POWERTOOLS_METRICS_NAMESPACE: 'Driftwatch',
    },
  });
  if (child.status !== 0) throw new Error(`importing ${file} failed (${String(child.status)}): ${child.stderr}`);
  return JSON.parse(child.stdout) as Init;
}

const median = (numbers: readonly number[]): number =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? Number.NaN;
const kib = (bytes: number): string => (bytes / 1024).toFixed(0);

if (!values['reuse-zips']) {
  const packaged = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (packaged.status !== 0)
    throw new Error(`npm run package failed (${String(packaged.status)}):\n${packaged.stdout}\n${packaged.stderr}`);
}

rmSync(out, { recursive: true, force: true });
const shipped = [];
for (const name of FUNCTIONS) {
  const taskRoot = join(out, name);
  mkdirSync(taskRoot, { recursive: true });
  const zip = join(PACKAGE, `${name}.zip`);
  const entries = await extractZip(zip, taskRoot);
  const { handler, nodeOptions } = deployedFunction(name);
  const file = handlerFile(taskRoot, handler);
  const code = entries
    .filter((entry) => /\.[cm]?js$/.test(entry))
    .reduce((sum, entry) => sum + statSync(join(taskRoot, entry)).size, 0);
  const modules = handlerModules(taskRoot, file);
  const lazy = modules.lazy.map((each) => join(taskRoot, each));
  shipped.push({
    name,
    taskRoot,
    file,
    lazy,
    nodeOptions,
    zipBytes: statSync(zip).size,
    codeBytes: code,
    initBytes: modules.initBytes,
    runs: [] as Init[],
  });
}
for (let run = 0; run < RUNS; run++) {
  for (const each of shipped) each.runs.push(importMs(each.file, each.lazy, each.taskRoot, each.nodeOptions));
}
if (process.env['BENCH_DEBUG'])
  process.stderr.write(`${JSON.stringify(shipped.map(({ name, runs }) => ({ name, runs })))}\n`);

const details = shipped.map(
  (each) =>
    `${each.name} CPU ${median(each.runs.map((run) => run.cpuMs)).toFixed(0)} ms, init reads ${kib(each.initBytes)} KiB of ${kib(each.codeBytes)} KiB code, ` +
    `then the lazy modules ${median(each.runs.map((run) => run.lazyMs)).toFixed(0)} ms at the first invocation`,
);
process.stdout.write(
  `lambda init details: ${details.join('; ')} (median of ${RUNS} fresh processes; goal ≤ 200 ms, zip ≤ 2 MB)\n`,
);
const inits = shipped.map((each) => `${each.name} init ${median(each.runs.map((run) => run.ms)).toFixed(0)} ms`);
const zips = shipped.map((each) => `${each.name} zip ${kib(each.zipBytes)} KiB`);
process.stdout.write(`lambda: ${[...inits, ...zips].join(', ')}\n`);
