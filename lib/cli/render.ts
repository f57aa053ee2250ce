import { randomBytes } from 'node:crypto';
import { dump } from 'js-yaml';
import { isSecret, maskedSecret } from '../diff/secret.ts';
import type { KubeObject } from '../kube/object.ts';
import { ScopeTable } from '../kube/scope.ts';
import { declarePrepared, prepareManifests, renderRequestFor } from '../render/index.ts';
import { displayLocation } from '../source/display.ts';
import { openCliSource } from './open-source.ts';
import type { SourceProblem } from '../source/types.ts';
import { EXIT } from './exit.ts';
import type { PlanFlags } from './run-options.ts';
import { UsageError, planRun } from './run-options.ts';
import { progressWriter } from './progress.ts';

export interface RenderFlags extends PlanFlags {
  format: 'json' | 'yaml';
  /** `Kind/name` or `Kind/namespace/name`: only these objects. */
  object?: string[];
  quiet?: boolean;
}

import { problemPlace } from '../source/problem.ts';

/**
 * `driftwatch render`: the declared objects of one cluster path as the audit sees them (rendered, namespaces
 * defaulted, Helm hooks left out), as one `v1/List` JSON document or multi-document YAML. Secret values are digests.
 * Anything that failed prints nothing on stdout (a partial set piped into `kubectl apply` would be worse than none)
 * and one line on stderr.
 */
export async function runRender(flags: RenderFlags): Promise<number> {
  // Progress is held back until the render succeeded: a failure says one line on stderr, nothing else.
  const held: string[] = [];
  const progress = (line: string): void => {
    held.push(line);
  };
  const plan = await planRun(flags);
  if (!plan.source) throw new UsageError('nothing to render: give --source DIR|ARCHIVE|URL, or --config FILE');
  const cluster = plan.clusters[0];
  if (cluster === undefined || plan.clusters.length > 1) {
    throw new UsageError(
      `render needs one cluster: add --cluster NAME (clusters: ${plan.clusters.map((each) => each.name).join(', ')})`,
    );
  }
  progress(`reading source ${displayLocation(plan.source.location)}`);
  const tree = await openCliSource(plan.source.location, plan.source.options);
  const prepared = await prepareManifests(tree, cluster.sourcePath, renderRequestFor(plan.renderer, cluster));
  const declared = declarePrepared(prepared, new ScopeTable());
  for (const warning of declared.problems.filter((problem) => problem.severity === 'warning'))
    progress(`warning: ${describeProblem(warning)}`);
  const errors = declared.problems.filter((problem) => problem.severity === 'error');
  const [firstError] = errors;
  if (firstError !== undefined) {
    process.stderr.write(
      `driftwatch: ${describeProblem(firstError)}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''}\n`,
    );
    return EXIT.error;
  }
  const selected = selectObjects(
    declared.objects.map(({ object }) => object),
    flags.object ?? [],
  );
  // One digest key for the whole printout: equal values show equal digests, and nothing outlives the command.
  const digestKey = randomBytes(32);
  const items = selected.map((object) => (isSecret(object) ? maskedSecret(object, digestKey) : object));
  progress(`${items.length} objects from ${prepared.folder || '.'} (${prepared.info.renderer})`);
  const writeProgress = progressWriter(flags.quiet === true);
  for (const line of held) writeProgress(line);
  process.stdout.write(
    flags.format === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items })}\n`
      : items.map((item) => `---\n${dump(item, { noRefs: true, lineWidth: -1 })}`).join(''),
  );
  return EXIT.clean;
}

/** Objects named by --object (`Kind/name`, `Kind/namespace/name`); each name must match one, or it is an error. */
function selectObjects(objects: KubeObject[], names: readonly string[]): KubeObject[] {
  if (names.length === 0) return objects;
  return names.flatMap((name) => {
    const parts = name.split('/');
    const [kind, namespace, objectName] =
      parts.length === 2 ? [parts[0], undefined, parts[1]] : [parts[0], parts[1], parts[2]];
    if (parts.length < 2 || parts.length > 3 || !kind || !objectName)
      throw new UsageError(`--object ${JSON.stringify(name)}: expected Kind/name or Kind/namespace/name`);
    const found = objects.filter(
      (object) =>
        object.kind === kind &&
        object.metadata.name === objectName &&
        (namespace === undefined || object.metadata.namespace === namespace),
    );
    if (found.length === 0) throw new UsageError(`--object ${name}: no such declared object`);
    return found;
  });
}

function describeProblem(problem: SourceProblem): string {
  return `${problemPlace(problem)}: ${problem.message}`;
}
