/**
 * Lambda init of the two handlers as they are deployed: each bundled with the esbuild options of serverless.yml
 * (`custom.esbuild`, read from the file, as serverless-esbuild passes them), then imported the way the Node runtime
 * does it (a fresh process, working folder = the bundle's, `NODE_OPTIONS` as the functions' environment sets it, no
 * network), five fresh processes per handler in turns. Module init is the time of `await import(bundle)`: what Lambda
 * reports as Init Duration, less the runtime's own start.
 *
 *   npm run bench:lambda-init [-- --splitting]
 *
 * `--splitting` bundles with esbuild's code splitting (what serverless.yml does not do yet: serverless-esbuild would
 * put both functions' chunks in both zips): the lazily imported work then sits in chunks that init never reads.
 *
 * Prints one line: `lambda init: audit M ms (CPU C ms), schedule M ms (CPU C ms) (median of 5 fresh processes; goal
 * ≤ 200 ms), bundle audit S MB (zip with its map ≈ Z MB), schedule …`: the zip estimate is the bundle and its source
 * map deflated, as the function's zip holds them (test/integration/package.test.ts checks the real zip).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { load } from 'js-yaml';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { splitting: { type: 'boolean', default: false } } });
const RUNS = 5;
const HANDLERS = ['audit', 'schedule'] as const;
const out = join(ROOT, '.scratch', 'bench-lambda-init');

interface ServerlessEsbuild {
  minify?: boolean;
  sourcemap?: BuildOptions['sourcemap'];
  sourcesContent?: boolean;
  keepNames?: boolean;
  target?: string;
  format?: BuildOptions['format'];
  outputFileExtension?: string;
  mainFields?: string[];
  banner?: Record<string, string>;
}

/**
 * serverless.yml's `custom.esbuild` block and `provider.environment.NODE_OPTIONS`. The file as a whole holds
 * CloudFormation tags (`!Sub`, `!Ref`) that plain YAML does not know, so only the esbuild block is parsed.
 */
function deployedSettings(): { esbuild: ServerlessEsbuild; nodeOptions: string } {
  const lines = readFileSync(join(ROOT, 'serverless.yml'), 'utf8').split('\n');
  const start = lines.indexOf('  esbuild:');
  if (start < 0) throw new Error('serverless.yml has no custom.esbuild block');
  const end = lines.findIndex((line, index) => index > start && line.trim() !== '' && !line.startsWith('   '));
  const block = load(lines.slice(start + 1, end < 0 ? undefined : end).join('\n'));
  const nodeOptions = /^ {4}NODE_OPTIONS: (.+)$/m.exec(lines.join('\n'))?.[1]?.trim() ?? '';
  return { esbuild: typeof block === 'object' && block !== null ? (block as ServerlessEsbuild) : {}, nodeOptions };
}

async function bundle(settings: ServerlessEsbuild): Promise<Map<string, string>> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const extension = settings.outputFileExtension ?? '.js';
  await build({
    entryPoints: HANDLERS.map((name) => join(ROOT, 'functions', `${name}.ts`)),
    outdir: out,
    bundle: true,
    platform: 'node',
    minify: settings.minify ?? false,
    sourcemap: settings.sourcemap ?? false,
    sourcesContent: settings.sourcesContent ?? true,
    keepNames: settings.keepNames ?? false,
    target: settings.target ?? 'node24',
    format: settings.format ?? 'esm',
    outExtension: { '.js': extension },
    ...(settings.mainFields ? { mainFields: settings.mainFields } : {}),
    ...(settings.banner ? { banner: settings.banner } : {}),
    ...(values.splitting ? { splitting: true } : {}),
    logLevel: 'error',
  });
  return new Map(HANDLERS.map((name) => [name, join(out, `${name}${extension}`)]));
}

interface Init {
  ms: number;
  cpuMs: number;
}

/** Wall and CPU milliseconds of `await import(file)` in a fresh Node process, with the functions' environment. */
function importMs(file: string, nodeOptions: string): Init {
  const script = [
    'const started = performance.now(); const cpu = process.cpuUsage();',
    `await import(${JSON.stringify(file)});`,
    'const used = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }));',
  ].join(' ');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: out,
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      LAMBDA_TASK_ROOT: out,
      POWERTOOLS_SERVICE_NAME: 'driftwatch',
      POWERTOOLS_METRICS_NAMESPACE: 'Driftwatch',
    },
  });
  if (child.status !== 0) throw new Error(`importing ${file} failed (${String(child.status)}): ${child.stderr}`);
  return JSON.parse(child.stdout) as Init;
}

const median = (numbers: readonly number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? Number.NaN;
const megabytes = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);

const { esbuild, nodeOptions } = deployedSettings();
const files = await bundle(esbuild);
const samples = new Map<string, Init[]>(HANDLERS.map((name) => [name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const [name, file] of files) samples.get(name)?.push(importMs(file, nodeOptions));
}
const initOf = (name: string): string => {
  const runs = samples.get(name) ?? [];
  return `${name} ${median(runs.map((run) => run.ms)).toFixed(0)} ms (CPU ${median(runs.map((run) => run.cpuMs)).toFixed(0)} ms)`;
};
const sizeOf = (name: string): string => {
  const file = files.get(name);
  if (!file) return `${name} missing`;
  const text = readFileSync(file);
  const map = existsSync(`${file}.map`) ? readFileSync(`${file}.map`) : Buffer.alloc(0);
  const zipped = deflateRawSync(text, { level: 9 }).length + deflateRawSync(map, { level: 9 }).length;
  return `${name} ${megabytes(text.length)} MB (zip with its map ≈ ${megabytes(zipped)} MB)`;
};
if (process.env['BENCH_DEBUG']) process.stderr.write(`${JSON.stringify(Object.fromEntries(samples))}\n`);
process.stdout.write(`lambda init${values.splitting ? ' (code splitting)' : ''}: ${HANDLERS.map(initOf).join(', ')} (median of ${RUNS} fresh processes; goal ≤ 200 ms)${values.splitting ? '' : `, bundle ${HANDLERS.map(sizeOf).join(', ')}`}\n`);
