/** One segment of a location in the config: a mapping key or a list index. */
export type PathSegment = string | number;

/** One problem of a config file. `path` uses `clusters[2].path` notation, `''` for the file as a whole. */
export interface ConfigIssue {
  path: string;
  message: string;
  /** 1-based line in the config file, when it could be located. */
  line?: number;
}

/** An issue before its line is looked up: `at` names the value, `lineAt` where to point in the file (default `at`). */
export interface PendingIssue {
  at: readonly PathSegment[];
  message: string;
  lineAt?: readonly PathSegment[];
}

/**
 * The config cannot be used. The message has one line per issue (`driftwatch.yaml:12 clusters[2].path: required`);
 * it names paths and variables, never a value from the file or the environment.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
    this.file = file;
    this.issues = issues;
  }
}

export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;
const INDEX = /^\d+$/;

/** `['clusters', 2, 'path']` → `clusters[2].path`; odd keys are quoted (`ignore[0]["a.b"]`). */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || INDEX.test(segment)) text += `[${segment}]`;
    else if (!PLAIN_KEY.test(segment)) text += `[${JSON.stringify(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}
