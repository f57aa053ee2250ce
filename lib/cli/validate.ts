import type { DriftwatchConfig } from '../config/load.ts';
import { ScopeTable } from '../kube/scope.ts';
import { displayLocation } from '../source/display.ts';
import { openCliSource } from './open-source.ts';
import type { OpenSourceOptions } from '../source/open.ts';
import {
  DEFAULT_RENDERER_SETTINGS,
  RenderError,
  declarePrepared,
  prepareManifests,
  renderRequestFor,
} from '../render/index.ts';
import type { HelmRenderOptions, KustomizeRenderOptions, RendererSettings } from '../render/index.ts';
import type { DeclaredState, SourceProblem, SourceTree } from '../source/types.ts';
import { resolve } from 'node:path';
import { EXIT } from './exit.ts';
import { UsageError, configFor, sourceLocation, sourceOptions } from './run-options.ts';
import { progressWriter } from './progress.ts';
import { problemPlace } from '../source/problem.ts';

export interface ValidateFlags {
  config?: string;
  source?: string;
  path?: string;
  renderer?: string;
  quiet?: boolean;
}

/** `driftwatch validate`: the config parses and every cluster's manifests read cleanly. Reads no cluster. */
export async function runValidate(flags: ValidateFlags): Promise<number> {
  const progress = progressWriter(flags.quiet === true);
  const config = await configFor(flags);
  if (config) progress('config is valid');
  const { location, options } = sourceToValidate(flags, config);
  progress(`reading source ${displayLocation(location)}`);
  const tree = await openCliSource(location, options);
  let errors = 0;
  for (const target of targetsToValidate(flags, config)) {
    const declared = await declaredOrError(tree, target, config?.renderer ?? rendererFromFlags(flags));
    for (const problem of declared.problems) {
      if (problem.severity === 'error') errors++;
      process.stdout.write(`${describeProblem(problem)}\n`);
    }
    const how = declared.renderer === 'plain' ? '' : ` (rendered with ${declared.renderer})`;
    process.stdout.write(`${target.path}: ${declared.objects.length} objects in ${declared.fileCount} files${how}\n`);
  }
  process.stdout.write(errors === 0 ? 'valid\n' : `${errors} errors\n`);
  return errors === 0 ? EXIT.clean : EXIT.error;
}

interface ValidateTarget {
  path: string;
  helm?: HelmRenderOptions;
  kustomize?: KustomizeRenderOptions;
}

/** --path alone, else every distinct cluster path of the config with its render settings, else the whole tree. */
function targetsToValidate(flags: ValidateFlags, config: DriftwatchConfig | undefined): ValidateTarget[] {
  if (flags.path) return [{ path: flags.path }];
  if (!config) return [{ path: '.' }];
  const seen = new Map<string, ValidateTarget>();
  for (const cluster of config.clusters) {
    const target: ValidateTarget = {
      path: cluster.path,
      ...(cluster.helm ? { helm: cluster.helm } : {}),
      ...(cluster.kustomize ? { kustomize: cluster.kustomize } : {}),
    };
    const key = JSON.stringify(target);
    if (!seen.has(key)) seen.set(key, target);
  }
  return [...seen.values()];
}

function rendererFromFlags(flags: ValidateFlags): RendererSettings {
  return flags.renderer ? { ...DEFAULT_RENDERER_SETTINGS, path: resolve(flags.renderer) } : DEFAULT_RENDERER_SETTINGS;
}

/** The declared state of one path as the audit would read it; a failed render is one error naming the folder. */
async function declaredOrError(
  tree: SourceTree,
  target: ValidateTarget,
  settings: RendererSettings,
): Promise<DeclaredState & { renderer: string }> {
  try {
    const prepared = await prepareManifests(tree, target.path, renderRequestFor(settings, target));
    return { ...declarePrepared(prepared, new ScopeTable()), renderer: prepared.info.renderer };
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    return {
      location: tree.location,
      objects: [],
      problems: [{ file: target.path, message: error.message, severity: 'error' }],
      fileCount: 0,
      renderer: error.renderer ?? 'plain',
    };
  }
}

/** --source wins over the config's location, as in `audit`; the config's token, header, commit and limits still apply. */
function sourceToValidate(
  flags: ValidateFlags,
  config: DriftwatchConfig | undefined,
): { location: string; options: OpenSourceOptions } {
  const location = flags.source ? sourceLocation(flags.source) : config?.source.location;
  if (!location) throw new UsageError('nothing to validate: give --config FILE or --source DIR|ARCHIVE|URL');
  return { location, options: config ? sourceOptions(config.source) : {} };
}

function describeProblem(problem: SourceProblem): string {
  return `${problem.severity}: ${problemPlace(problem)}: ${problem.message}`;
}
