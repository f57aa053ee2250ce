import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RendererType } from './detect.ts';
import { RenderError } from './error.ts';

/** An executable that renders: our multi-call dwrender, or the stock tool a user has on PATH. */
export type Renderer =
  | { name: 'dwrender'; path: string }
  | { name: 'kustomize'; path: string; helm?: string }
  | { name: 'helm'; path: string };

/** Where `npm run build:renderer` links the host build (renderer/build.sh). */
const PROJECT_BUILD = fileURLToPath(new URL('../../renderer/bin/dwrender', import.meta.url));
/** Lambda mounts layers at /opt; serverless.yml's renderer layer holds bin/dwrender. */
const LAMBDA_LAYER = '/opt/bin/dwrender';

export interface LocateOptions {
  /** The config's `renderer.path` or `--renderer`: must exist when given. */
  configured?: string;
  /** Searched for kustomize/helm; default process.env.PATH. */
  pathVariable?: string;
  /** Candidates before PATH; default the project's build, then the Lambda layer. */
  builtIn?: readonly string[];
}

/**
 * Finds a renderer for a folder: the configured path, then the project's built dwrender (or the Lambda layer's),
 * then `kustomize` / `helm` on PATH. None: an error saying which folder needs which tool and how to get one, so a
 * chart is never read as plain YAML.
 */
export function locateRenderer(
  type: Exclude<RendererType, 'plain'>,
  folder: string,
  options: LocateOptions = {},
): Renderer {
  if (options.configured !== undefined) return configuredRenderer(options.configured, type);
  for (const candidate of options.builtIn ?? [PROJECT_BUILD, LAMBDA_LAYER]) {
    if (isExecutable(candidate)) return { name: 'dwrender', path: candidate };
  }
  const pathVariable = options.pathVariable ?? process.env['PATH'] ?? '';
  const stock = findOnPath(type, pathVariable);
  if (stock !== undefined) {
    if (type === 'helm') return { name: 'helm', path: stock };
    const helm = findOnPath('helm', pathVariable);
    return { name: 'kustomize', path: stock, ...(helm !== undefined ? { helm } : {}) };
  }
  const tool = type === 'helm' ? 'Helm' : 'Kustomize';
  throw new RenderError(
    `${folder || '.'} needs ${tool} to render, and no renderer was found: run \`npm run build:renderer\` (builds dwrender from Go modules), install ${type} on PATH, or set renderer.path`,
  );
}

/** A configured executable is used as what its name says: `kustomize`, `helm`, or else a dwrender. */
function configuredRenderer(path: string, type: Exclude<RendererType, 'plain'>): Renderer {
  if (!isExecutable(path)) throw new RenderError(`renderer ${path} is not an executable file`);
  const name = basename(path);
  if (name === 'kustomize' || name === 'helm') {
    if (name !== type) throw new RenderError(`renderer ${path} is ${name}, but this folder needs ${type}`);
    return name === 'helm' ? { name: 'helm', path } : { name: 'kustomize', path };
  }
  return { name: 'dwrender', path };
}

function findOnPath(program: string, pathVariable: string): string | undefined {
  for (const folder of pathVariable.split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
