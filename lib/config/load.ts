import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { YAMLException, load } from 'js-yaml';
import { interpolateEnv } from './env.ts';
import { ConfigError, formatPath } from './issues.ts';
import type { ConfigIssue, PendingIssue } from './issues.ts';
import { lineLocator } from './lines.ts';
import { checkConfig, normalizeConfig } from './normalize.ts';
import { validateAgainstSchema } from './schema.ts';

export { ConfigError } from './issues.ts';
export type { ConfigIssue } from './issues.ts';
export { configSchema } from './schema.ts';
export { DEFAULT_REPORT_DESTINATION } from './normalize.ts';
export type {
  ClusterAccess,
  ClusterConfig,
  DriftwatchConfig,
  EksAccess,
  IgnoreRuleConfig,
  KubeconfigAccess,
  KubeconfigSecretAccess,
  NotificationSeverity,
  NotificationsConfig,
  ReportConfig,
  ReportFileFormat,
  SlackNotificationConfig,
  SnapshotAccess,
  SnsNotificationConfig,
  SourceConfig,
} from './types.ts';
import type { DriftwatchConfig } from './types.ts';
import { describeFsError } from '../io/fs-error.ts';

export interface ParseConfigOptions {
  /** Name of the file in error messages, as the user gave it. */
  file: string;
  /** Folder relative paths are resolved against (the config file's folder). */
  baseDir: string;
  env: Record<string, string | undefined>;
  /** What `~/` expands to; default the current user's home folder. */
  homeDir?: string;
}

/** Reads, validates and normalises a driftwatch.yaml. Throws ConfigError only. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<DriftwatchConfig> {
  const text = await readConfigText(path);
  return parseConfig(text, { file: path, baseDir: dirname(resolve(path)), env });
}

/** Pure counterpart of loadConfig (apart from the home folder default). Throws ConfigError listing every issue. */
export function parseConfig(text: string, options: ParseConfigOptions): DriftwatchConfig {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const interpolated = interpolateEnv(parseYaml(source, options.file), options.env);
  const validated = validateAgainstSchema(interpolated.value);
  const issues = validated.ok
    ? [...interpolated.issues, ...checkConfig(validated.config)]
    : mergeIssues(interpolated.issues, validated.issues);
  if (!validated.ok || issues.length > 0) throw new ConfigError(options.file, locate(issues, source));
  return normalizeConfig(validated.config, { baseDir: options.baseDir, homeDir: options.homeDir ?? homedir() });
}

async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the config file (${describeFsError(error)})` }]);
  }
}

/** Aliases are fine for reuse, but each one can multiply the tree that validation walks: keep it bounded. */
const MAX_ALIASES = 20;

function parseYaml(text: string, file: string): unknown {
  try {
    return load(text, { maxAliases: MAX_ALIASES });
  } catch (error) {
    const line = error instanceof YAMLException && error.mark ? error.mark.line + 1 : undefined;
    const reason = error instanceof YAMLException ? safeReason(error.reason) : 'cannot be parsed';
    const issue: ConfigIssue = { path: '', message: `invalid YAML: ${reason}`, ...(line !== undefined && { line }) };
    throw new ConfigError(file, [issue]);
  }
}

/**
 * js-yaml's reason without the fragments it quotes from the file (tags, alias names, `: detail`), so that a
 * syntax error can never echo a secret; the line number is what the user needs.
 */
function safeReason(reason: string): string {
  const cleaned = reason
    .replace(/!<[^>]*>/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/:\s.*$/s, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned === '' ? 'syntax error' : cleaned;
}

/** A value whose variable is unset is reported once: its schema error would only be a consequence. */
function mergeIssues(envIssues: readonly PendingIssue[], schemaIssues: readonly PendingIssue[]): PendingIssue[] {
  const envPaths = new Set(envIssues.map((issue) => formatPath(issue.at)));
  return [...envIssues, ...schemaIssues.filter((issue) => !envPaths.has(formatPath(issue.at)))];
}

/** Adds line numbers and sorts in file order (issues without a line last); duplicates are dropped. */
function locate(issues: readonly PendingIssue[], text: string): ConfigIssue[] {
  const lineOf = lineLocator(text);
  const seen = new Set<string>();
  const located: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.at);
    const line = lineOf(issue.lineAt ?? issue.at);
    const key = `${path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    located.push({ path, message: issue.message, ...(line !== undefined && { line }) });
  }
  return located.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}
