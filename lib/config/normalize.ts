import { join, resolve } from 'node:path';
import { CHECK_IDS, DEFAULT_CHECKS_CONFIG, isCheckId } from '../checks/index.ts';
import { matchesPattern } from '../io/glob.ts';
import { DEFAULT_TRUSTED_MANAGERS } from '../diff/trust.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../source/types.ts';
import type { PendingIssue } from './issues.ts';
import { DEFAULT_RENDERER_SETTINGS } from '../render/index.ts';
import type { HelmRenderOptions, RendererSettings } from '../render/index.ts';
import type { RawAccess, RawChecks, RawCluster, RawConfig, RawHelm, RawSource } from './raw.ts';
import { defaultEksLogGroup } from '../auditlog/index.ts';
import type {
  AuditLogConfig,
  ChecksConfig,
  ClusterAccess,
  ClusterConfig,
  DriftwatchConfig,
  ExemptionConfig,
  ReportConfig,
  SourceConfig,
} from './types.ts';

export const DEFAULT_REPORT_DESTINATION = './driftwatch-reports';

export interface PathContext {
  /** Folder relative paths are resolved against: the config file's folder. */
  baseDir: string;
  homeDir: string;
}

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const S3_OBJECT = /^s3:\/\/[^/]+\/.+/;
const S3_PREFIX = /^s3:\/\/[^/]+(\/.*)?$/;

/** Checks the schema cannot express: unique cluster names, folders inside the source, supported URL schemes. */
export function checkConfig(raw: RawConfig): PendingIssue[] {
  return [
    ...checkLocation(raw.source.location),
    ...checkClusterNames(raw.clusters),
    ...raw.clusters.flatMap((cluster, index) =>
      archiveFolder(cluster.path) === undefined
        ? [{ at: ['clusters', index, 'path'], message: 'must be a folder inside the source (no leading / and no ..)' }]
        : [],
    ),
    ...raw.clusters.flatMap((cluster, index) =>
      cluster.auditLog?.cloudWatch &&
      !('eks' in cluster) &&
      (cluster.auditLog.cloudWatch.logGroup === undefined || cluster.auditLog.cloudWatch.region === undefined)
        ? [
            {
              at: ['clusters', index, 'auditLog', 'cloudWatch'],
              message: 'logGroup and region are required without eks access',
            },
          ]
        : [],
    ),
    ...checkDestination(raw.report?.destination),
    ...checkCheckIds(raw.checks),
    ...checkExemptions(raw.exemptions ?? []),
    ...checkGlobs(raw),
  ];
}

/** A misspelt id would switch nothing off: reject it (severity keys are closed by the schema). Never echoes the value. */
/**
 * Ignore rules and trusted managers once took `node:path` globs, where `[a-z]` and `{a,b}` were special; one glob now
 * serves every section (lib/io/glob.ts: only `*` and `?`). A pattern written for the old meaning would silently match
 * nothing (or something else), so it is refused, naming the field.
 */
const OLD_GLOB_SYNTAX = /[[\]{}]/;
const OLD_GLOB_MESSAGE =
  'only * and ? are wildcards (lib/io/glob.ts): [ ] { } are not allowed here; write one rule per name';

function checkGlobs(raw: RawConfig): PendingIssue[] {
  const issues: PendingIssue[] = [];
  (raw.ignore ?? []).forEach((rule, index) => {
    for (const field of ['group', 'kind', 'namespace', 'name'] as const) {
      const pattern = rule[field];
      if (pattern !== undefined && OLD_GLOB_SYNTAX.test(pattern))
        issues.push({ at: ['ignore', index, field], message: OLD_GLOB_MESSAGE });
    }
  });
  (raw.trustedManagers ?? []).forEach((trusted, index) => {
    if (OLD_GLOB_SYNTAX.test(trusted.manager))
      issues.push({ at: ['trustedManagers', index, 'manager'], message: OLD_GLOB_MESSAGE });
  });
  return issues;
}

function checkCheckIds(checks: RawChecks | undefined): PendingIssue[] {
  return (checks?.disable ?? []).flatMap((id, index) =>
    isCheckId(id) ? [] : [{ at: ['checks', 'disable', index], message: 'unknown check id (see lib/checks/README.md)' }],
  );
}

function checkExemptions(exemptions: readonly ExemptionConfig[]): PendingIssue[] {
  return exemptions.flatMap((exemption, index) => [
    ...(CHECK_IDS.some((id) => matchesPattern(id, exemption.check))
      ? []
      : [{ at: ['exemptions', index, 'check'], message: 'matches no check id (see lib/checks/README.md)' }]),
    ...(isCalendarDate(exemption.expires)
      ? []
      : [{ at: ['exemptions', index, 'expires'], message: 'must be a real date YYYY-MM-DD' }]),
  ]);
}

/** The schema checks the YYYY-MM-DD shape; this rejects 2027-02-30. */
function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function checkLocation(location: string): PendingIssue[] {
  const at = ['source', 'location'];
  const scheme = schemeOf(location);
  if (scheme === undefined) return [];
  if (scheme === 'https' && URL.canParse(location)) return [];
  if (scheme === 's3' && S3_OBJECT.test(location)) return [];
  return [{ at, message: 'must be a folder, a .tar.gz/.tgz/.tar/.zip file, an https:// URL or s3://bucket/key' }];
}

function checkDestination(destination: string | undefined): PendingIssue[] {
  if (destination === undefined) return [];
  const scheme = schemeOf(destination);
  if (scheme === undefined || (scheme === 's3' && S3_PREFIX.test(destination))) return [];
  return [{ at: ['report', 'destination'], message: 'must be a folder or s3://bucket/prefix' }];
}

function checkClusterNames(clusters: readonly RawCluster[]): PendingIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: PendingIssue[] = [];
  clusters.forEach((cluster, index) => {
    const first = firstIndex.get(cluster.name);
    if (first === undefined) firstIndex.set(cluster.name, index);
    else
      issues.push({
        at: ['clusters', index, 'name'],
        message: `duplicate name "${cluster.name}" (also clusters[${first}])`,
      });
  });
  return issues;
}

/** `./clusters/prod/` → `clusters/prod`, `.` or `./` → `.`; undefined when the folder would leave the tree. */
export function archiveFolder(path: string): string | undefined {
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return undefined;
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return undefined;
  return segments.length === 0 ? '.' : segments.join('/');
}

/** Applies defaults and resolves local paths. Expects a config that passed the schema and checkConfig. */
export function normalizeConfig(raw: RawConfig, paths: PathContext): DriftwatchConfig {
  return {
    source: normalizeSource(raw.source, paths),
    clusters: raw.clusters.map((cluster) => normalizeCluster(cluster, paths)),
    renderer: normalizeRenderer(raw.renderer, paths),
    ignore: raw.ignore ?? [],
    trustedManagers: [...DEFAULT_TRUSTED_MANAGERS, ...(raw.trustedManagers ?? [])],
    ignoreHpaReplicas: raw.ignoreHpaReplicas ?? true,
    report: normalizeReport(raw.report, paths),
    notifications: raw.notifications ?? {},
    ...(raw.schedule !== undefined && { schedule: raw.schedule }),
    checks: normalizeChecks(raw.checks),
    exemptions: raw.exemptions ?? [],
  };
}

/** Each key over its default; the RBAC allow-list extends the built-in one like trustedManagers does. */
function normalizeChecks(raw: RawChecks | undefined): ChecksConfig {
  const defaults = DEFAULT_CHECKS_CONFIG;
  return {
    enabled: raw?.enabled ?? defaults.enabled,
    disable: raw?.disable ?? [...defaults.disable],
    severity: { ...defaults.severity, ...raw?.severity },
    podRestarts: { threshold: raw?.podRestarts?.threshold ?? defaults.podRestarts.threshold },
    podPending: { minutes: raw?.podPending?.minutes ?? defaults.podPending.minutes },
    events: { windowMinutes: raw?.events?.windowMinutes ?? defaults.events.windowMinutes },
    csrPending: { minutes: raw?.csrPending?.minutes ?? defaults.csrPending.minutes },
    imagesWithoutDigest: raw?.imagesWithoutDigest ?? defaults.imagesWithoutDigest,
    rbac: { allowSubjects: [...defaults.rbac.allowSubjects, ...(raw?.rbac?.allowSubjects ?? [])] },
    allowSelfExemption: raw?.allowSelfExemption ?? defaults.allowSelfExemption,
  };
}

function normalizeSource(raw: RawSource, paths: PathContext): SourceConfig {
  const { location, token, limits, ...rest } = raw;
  return {
    ...rest,
    location: schemeOf(location) === undefined ? localPath(location, paths) : location,
    // `${env:GIT_TOKEN:-}` lets one config serve public and private repositories: empty means no token.
    ...(token !== undefined && token !== '' && { token }),
    limits: { ...DEFAULT_ARCHIVE_LIMITS, ...limits },
  };
}

function normalizeCluster(raw: RawCluster, paths: PathContext): ClusterConfig {
  return {
    name: raw.name,
    path: archiveFolder(raw.path) ?? raw.path,
    ...(raw.namespaces !== undefined && { namespaces: raw.namespaces }),
    access: accessOf(raw, paths),
    includeSecrets: raw.includeSecrets ?? false,
    ...auditLogOf(raw),
    ...(raw.helm !== undefined && { helm: normalizeHelm(raw.helm) }),
    ...(raw.kustomize !== undefined && { kustomize: raw.kustomize }),
  };
}

/** `/aws/eks/<name>/cluster` in the cluster's region unless named; without EKS access both must be given (checkConfig). */
function auditLogOf(raw: RawCluster): { auditLog?: AuditLogConfig } {
  const cloudWatch = raw.auditLog?.cloudWatch;
  if (!cloudWatch) return {};
  const eks = 'eks' in raw ? raw.eks : undefined;
  const logGroup = cloudWatch.logGroup ?? (eks ? defaultEksLogGroup(eks.name) : undefined);
  const region = cloudWatch.region ?? eks?.region;
  if (logGroup === undefined || region === undefined) return {};
  return { auditLog: { cloudWatch: { logGroup, region } } };
}

function normalizeHelm(raw: RawHelm): HelmRenderOptions {
  const { valueFiles, ...rest } = raw;
  return { ...rest, ...(valueFiles !== undefined && { valueFiles: valueFiles.map((path) => ({ path })) }) };
}

function normalizeRenderer(raw: RawConfig['renderer'], paths: PathContext): RendererSettings {
  const { path, ...limits } = raw ?? {};
  return { ...DEFAULT_RENDERER_SETTINGS, ...limits, ...(path !== undefined && { path: localPath(path, paths) }) };
}

function accessOf(raw: RawAccess, paths: PathContext): ClusterAccess {
  if ('snapshot' in raw) return { type: 'snapshot', path: localPath(raw.snapshot, paths) };
  if ('kubeconfig' in raw)
    return { type: 'kubeconfig', ...raw.kubeconfig, path: localPath(raw.kubeconfig.path, paths) };
  if ('eks' in raw) return { type: 'eks', ...raw.eks };
  return { type: 'kubeconfigSecret', ...raw.kubeconfigSecret };
}

function normalizeReport(raw: RawConfig['report'], paths: PathContext): ReportConfig {
  const destination = raw?.destination ?? DEFAULT_REPORT_DESTINATION;
  return {
    destination: schemeOf(destination) === undefined ? localPath(destination, paths) : destination,
    formats: raw?.formats ?? ['json'],
  };
}

/** `~` and `~/…` are the home folder; anything else is relative to the config file's folder. */
function localPath(path: string, paths: PathContext): string {
  if (path === '~') return paths.homeDir;
  if (path.startsWith('~/')) return join(paths.homeDir, path.slice(2));
  return resolve(paths.baseDir, path);
}

function schemeOf(location: string): string | undefined {
  return URL_SCHEME.exec(location)?.[1]?.toLowerCase();
}
