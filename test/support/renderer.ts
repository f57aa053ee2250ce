/**
 * Locates (building on first use) dwrender, driftwatch's renderer, through renderer/build.sh, which caches it
 * outside the repo keyed by its sources. Its progress (stderr) is passed through so a cold build (minutes) visibly
 * makes progress; a warm call answers in well under a second.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { parseKeyValueLines, runBuildScript } from '../world/binaries.ts';

export interface RendererBuild {
  /** Absolute path of the binary built for the requested target. */
  binary: string;
  /** Absolute path of the Lambda layer zip (only when asked for with `layer: true`). */
  layer: string | undefined;
}

const SCRIPT = join(REPO_ROOT, 'renderer/build.sh');

/** `bash renderer/build.sh` (host), or with `--layer` (linux/arm64 binary + layer zip). */
export async function ensureRenderer(options: { layer?: boolean } = {}): Promise<RendererBuild> {
  const args = options.layer === true ? ['--layer'] : [];
  const stdout = await runBuildScript(SCRIPT, args, REPO_ROOT);
  const values = parseKeyValueLines(stdout);
  const binary = values.get('DWRENDER');
  const layer = values.get('DWRENDER_LAYER');
  if (binary === undefined || (options.layer === true && layer === undefined)) {
    throw new Error(
      `renderer/build.sh ${args.join(' ')} printed no DWRENDER${options.layer === true ? '/DWRENDER_LAYER' : ''} line; stdout was:\n${stdout}`,
    );
  }
  return { binary, layer };
}
