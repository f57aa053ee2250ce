import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../../../lib/config/load.ts';
import type { DriftwatchConfig } from '../../../lib/config/load.ts';

export const BASE_DIR = '/work/configs';
export const HOME_DIR = '/home/auditor';

/** Lines joined with '\n', so that tests can write YAML with exact line numbers. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export function parse(text: string, env: Record<string, string | undefined> = {}): DriftwatchConfig {
  return parseConfig(text, { file: 'driftwatch.yaml', baseDir: BASE_DIR, env, homeDir: HOME_DIR });
}

/** The ConfigError that parsing throws; fails the test when parsing succeeds or throws anything else. */
export function parseError(text: string, env: Record<string, string | undefined> = {}): ConfigError {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    if (error instanceof ConfigError) return error;
  }
  throw new Error('expected a ConfigError');
}

/** `path: message` of every issue, the part of the message that does not depend on line numbers. */
export function issueTexts(error: ConfigError): string[] {
  return error.issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`));
}

/** A minimal valid config; `clusters` lines replace the default cluster. */
export function minimal(...clusterLines: string[]): string {
  const clusters =
    clusterLines.length > 0 ? clusterLines : ['  - name: prod', '    path: clusters/prod', '    snapshot: ./live.yaml'];
  return yaml('source:', '  location: ./gitops', 'clusters:', ...clusters);
}
