/**
 * What validating a stored report costs a cold process: the report schema compiled by ajv at run time against the
 * standalone module compiled ahead of time (lib/report/report.validate.js), and what each adds to a bundle that
 * already holds ajv for the config (as the audit Lambda's does).
 *
 *   npm run bench:schemas
 *
 * Each round is a fresh process running an esbuild bundle (minified, as serverless.yml builds the Lambdas) that
 * validates one stored report of 800 drift entries and 100 findings; medians of five rounds, run in turns. Prints
 * `schemas: compiled at run time S ms (bundle +K KB), standalone S ms (bundle +K KB), report R KB`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { applyHistory } from '../lib/report/history.ts';
import {
  extraRole,
  imageDrift,
  makeReport,
  missingConfigMap,
  privilegedFinding,
  replicasDrift,
} from '../test/unit/reports/fixtures.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIR = join(ROOT, '.scratch', 'bench-schemas');
const ROUNDS = 5;
mkdirSync(DIR, { recursive: true });

const drift = Array.from({ length: 200 }, (_, index) => [
  imageDrift(`web-${index}`, 'web:2'),
  replicasDrift(`api-${index}`, 5),
  missingConfigMap(`cm-${index}`),
  extraRole(`role-${index}`),
]).flat();
const findings = Array.from({ length: 100 }, (_, index) => privilegedFinding(`pod-${index}`));
const sample = join(DIR, 'report.json');
writeFileSync(
  sample,
  JSON.stringify(
    applyHistory(makeReport({ cluster: 'bench', at: '2026-11-05T00:00:00.000Z', drift, findings }), undefined),
  ),
);

/** Each entry times its first validation (the schema compiled first, for `compiled`) and prints the milliseconds. */
const TIMED = `const t0 = performance.now(); const ok = VALIDATE(JSON.parse(readFileSync(process.argv[2], 'utf8'))); const ms = performance.now() - t0; if (!ok) process.exit(3); console.log(ms);`;
const ENTRIES = {
  compiled: `import { readFileSync } from 'node:fs'; import { Ajv2020 } from 'ajv/dist/2020.js'; import schema from '${ROOT}/lib/report/report.schema.json' with { type: 'json' };
    const VALIDATE = (value) => new Ajv2020({ strict: true, allErrors: false }).compile(schema)(value); ${TIMED}`,
  standalone: `import { readFileSync } from 'node:fs'; import VALIDATE from '${ROOT}/lib/report/report.validate.js'; ${TIMED}`,
  // The audit Lambda already bundles ajv for the config: what each way adds to that.
  base: `import { validateAgainstSchema } from '${ROOT}/lib/config/schema.ts'; console.log(validateAgainstSchema({}).ok);`,
  'base+compiled': `import { validateAgainstSchema } from '${ROOT}/lib/config/schema.ts'; import { Ajv2020 } from 'ajv/dist/2020.js'; import schema from '${ROOT}/lib/report/report.schema.json' with { type: 'json' };
    console.log(validateAgainstSchema({}).ok, new Ajv2020({ strict: true }).compile(schema)({}));`,
  'base+standalone': `import { validateAgainstSchema } from '${ROOT}/lib/config/schema.ts'; import validate from '${ROOT}/lib/report/report.validate.js'; console.log(validateAgainstSchema({}).ok, validate({}));`,
};

const bundles: Record<string, string> = {};
for (const [name, code] of Object.entries(ENTRIES)) {
  const source = join(DIR, `${name}.mjs`);
  writeFileSync(source, code);
  bundles[name] = join(DIR, `${name}.bundle.mjs`);
  await build({
    entryPoints: [source],
    outfile: bundles[name],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    logLevel: 'error',
  });
}
const kb = (name: string): number => statSync(bundles[name] ?? '').size / 1024;

function firstValidation(name: string): number {
  const child = spawnSync(process.execPath, [bundles[name] ?? '', sample], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${name} exited ${child.status ?? child.signal}: ${child.stderr}`);
  return Number(child.stdout.trim());
}

const timings = { compiled: [] as number[], standalone: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  timings.compiled.push(firstValidation('compiled'));
  timings.standalone.push(firstValidation('standalone'));
}
const median = (numbers: readonly number[]): number =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? Number.NaN;
process.stdout.write(
  `schemas: compiled at run time ${median(timings.compiled).toFixed(0)} ms (bundle +${(kb('base+compiled') - kb('base')).toFixed(0)} KB), standalone ${median(timings.standalone).toFixed(0)} ms (bundle +${(kb('base+standalone') - kb('base')).toFixed(0)} KB), report ${(statSync(sample).size / 1024).toFixed(0)} KB\n`,
);
