import type { DriftwatchConfig } from '../config/load.ts';
import { ScopeTable } from '../kube/scope.ts';
import { displayLocation } from '../source/display.ts';
import { openSource } from '../source/open.ts';
import type { OpenSourceOptions } from '../source/open.ts';
import { readManifests } from '../source/manifests.ts';
import type { SourceProblem } from '../source/types.ts';
import { EXIT } from './exit.ts';
import { UsageError, configFor, sourceLocation, sourceOptions } from './plan.ts';
import { progressWriter } from './progress.ts';

export interface ValidateFlags {
  config?: string;
  source?: string;
  path?: string;
  quiet?: boolean;
}

/** `driftwatch validate`: the config parses and every cluster's manifests read cleanly. Reads no cluster. */
export async function runValidate(flags: ValidateFlags): Promise<number> {
  const progress = progressWriter(flags.quiet === true);
  const config = await configFor(flags);
  if (config) progress('config is valid');
  const { location, options } = sourceToValidate(flags, config);
  progress(`reading source ${displayLocation(location)}`);
  const tree = await openSource(location, options);
  const paths = flags.path ? [flags.path] : config ? [...new Set(config.clusters.map((cluster) => cluster.path))] : ['.'];
  let errors = 0;
  for (const path of paths) {
    const declared = readManifests(tree, { path, scope: new ScopeTable() });
    for (const problem of declared.problems) {
      if (problem.severity === 'error') errors++;
      process.stdout.write(`${describeProblem(problem)}\n`);
    }
    process.stdout.write(`${path}: ${declared.objects.length} objects in ${declared.fileCount} files\n`);
  }
  process.stdout.write(errors === 0 ? 'valid\n' : `${errors} errors\n`);
  return errors === 0 ? EXIT.clean : EXIT.error;
}

/** --source wins over the config's location, as in `audit`; the config's token, header, commit and limits still apply. */
function sourceToValidate(flags: ValidateFlags, config: DriftwatchConfig | undefined): { location: string; options: OpenSourceOptions } {
  const location = flags.source ? sourceLocation(flags.source) : config?.source.location;
  if (!location) throw new UsageError('nothing to validate: give --config FILE or --source DIR|ARCHIVE|URL');
  return { location, options: config ? sourceOptions(config.source) : {} };
}

function describeProblem(problem: SourceProblem): string {
  return `${problem.severity}: ${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`;
}
