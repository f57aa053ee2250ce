import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClusterAccess, DriftwatchConfig } from '../config/load.ts';
import { loadConfig } from '../config/load.ts';
import { clusterNameProblem, isClusterName } from '../store/cluster-name.ts';
import { DEFAULT_CHECKS_CONFIG } from '../checks/index.ts';
import type { ChecksConfig, ExemptionConfig, SourceConfig } from '../config/types.ts';
import type { DriftOptions } from '../diff/drift.ts';
import { DEFAULT_TRUSTED_MANAGERS } from '../diff/trust.ts';
import type { OpenSourceOptions } from '../source/open.ts';
import { DEFAULT_RENDERER_SETTINGS } from '../render/index.ts';
import type {
  HelmRenderOptions,
  HelmValuesFile,
  KustomizeRenderOptions,
  LoadRestrictor,
  RendererSettings,
} from '../render/index.ts';
import { readFile } from 'node:fs/promises';
import { describeFsError } from '../io/fs-error.ts';
import { adHocIdentity } from './identity.ts';

import type { LiveAccess } from './live-access.ts';

export type { LiveAccess } from './live-access.ts';

export interface ClusterPlan {
  name: string;
  /** What the run audits, for ad-hoc runs without --cluster (see adHocIdentity); stored in the report. */
  identity?: string;
  sourcePath: string;
  namespaces?: string[];
  access: LiveAccess;
  includeSecrets: boolean;
  /** How a chart at the path is templated: the config's settings, with the --helm-* flags over them. */
  helm?: HelmRenderOptions;
  kustomize?: KustomizeRenderOptions;
}

export interface RunPlan {
  /** Absent: no declared state, only the cluster checks run. */
  source?: { location: string; options: OpenSourceOptions };
  clusters: ClusterPlan[];
  drift: DriftOptions;
  checks: { config: ChecksConfig; exemptions: ExemptionConfig[] };
  renderer: RendererSettings;
  /** Local folder for report files. */
  destination: string;
}

export interface PlanFlags {
  config?: string;
  cluster?: string;
  source?: string;
  path?: string;
  snapshot?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  includeSecrets?: boolean;
  out?: string;
  helmRelease?: string;
  helmNamespace?: string;
  /** Local files (read by the CLI), or paths relative to the chart folder in the source when no such file exists. */
  helmValues?: string[];
  helmSet?: string[];
  helmSetString?: string[];
  kubeVersion?: string;
  /** Helm's Capabilities.APIVersions, added to its defaults. */
  apiVersions?: string[];
  /** kustomize's helmCharts generator (`kustomize build --enable-helm`). */
  enableHelm?: boolean;
  loadRestrictor?: LoadRestrictor;
  /** A dwrender, kustomize or helm executable. */
  renderer?: string;
}

/** A wrong command line or config combination, said in words a user can act on. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const DEFAULT_CONFIG = 'driftwatch.yaml';
const DEFAULT_DESTINATION = 'driftwatch-reports';

/** Loads the config named by --config, or ./driftwatch.yaml when no live state is given on the command line. */
export async function configFor(
  flags: Pick<PlanFlags, 'config' | 'snapshot' | 'kubeconfig'>,
): Promise<DriftwatchConfig | undefined> {
  if (flags.config) return loadConfig(resolve(flags.config));
  const implicit = resolve(DEFAULT_CONFIG);
  if (!flags.snapshot && !flags.kubeconfig && existsSync(implicit)) return loadConfig(implicit);
  return undefined;
}

/** Resolves flags and config into what to audit: flags win over the config. */
export async function planRun(flags: PlanFlags): Promise<RunPlan> {
  const config = await configFor(flags);
  return config ? await planFromConfig(config, flags) : await planAdHoc(flags);
}

function namespacesFlag(flags: PlanFlags): string[] | undefined {
  if (!flags.namespace) return undefined;
  return flags.namespace
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

function accessFromFlags(flags: PlanFlags): LiveAccess | undefined {
  if (flags.snapshot && flags.kubeconfig) throw new UsageError('give either --snapshot or --kubeconfig, not both');
  if (flags.snapshot) return { type: 'snapshot', path: resolve(flags.snapshot) };
  if (flags.kubeconfig || flags.context) {
    return {
      type: 'kubeconfig',
      ...(flags.kubeconfig ? { path: resolve(flags.kubeconfig) } : {}),
      ...(flags.context ? { context: flags.context } : {}),
    };
  }
  return undefined;
}

async function planAdHoc(flags: PlanFlags): Promise<RunPlan> {
  if (!flags.source && !flags.snapshot && !flags.kubeconfig && !flags.context) {
    throw new UsageError(
      `nothing to audit: give --source DIR|ARCHIVE|URL with --snapshot FILE or --kubeconfig FILE, or --config FILE (no ${DEFAULT_CONFIG} in ${process.cwd()})`,
    );
  }
  const namespaces = namespacesFlag(flags);
  const location = flags.source ? sourceLocation(flags.source) : undefined;
  const sourcePath = flags.path ?? '.';
  const access = accessFromFlags(flags) ?? { type: 'kubeconfig' };
  // --cluster names the audit (the user says what it is); without it, what is audited does.
  const named: Pick<ClusterPlan, 'name' | 'identity'> =
    flags.cluster === undefined
      ? await adHocIdentity({ ...(location ? { sourceLocation: location } : {}), sourcePath, access })
      : { name: adHocClusterName(flags.cluster) };
  const cluster: ClusterPlan = {
    ...named,
    sourcePath,
    access,
    includeSecrets: flags.includeSecrets === true,
    ...(namespaces ? { namespaces } : {}),
    ...(await helmFromFlags(flags, undefined)),
    ...kustomizeFromFlags(flags, undefined),
  };
  return {
    ...(location ? { source: { location, options: {} } } : {}),
    clusters: [cluster],
    drift: { trustedManagers: DEFAULT_TRUSTED_MANAGERS },
    checks: { config: DEFAULT_CHECKS_CONFIG, exemptions: [] },
    renderer: rendererSettings(DEFAULT_RENDERER_SETTINGS, flags),
    destination: resolve(flags.out ?? DEFAULT_DESTINATION),
  };
}

/** The --cluster name of an ad-hoc run: it names report files, so it follows the config schema's pattern. */
function adHocClusterName(name: string): string {
  if (!isClusterName(name)) {
    throw new UsageError(`--cluster ${clusterNameProblem(name)}`);
  }
  return name;
}

/** A --source value: URLs (https://, s3://) as given, anything else a local path resolved against the working folder. */
export function sourceLocation(location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : resolve(location);
}

/** How to open the config's source from the CLI: limits, token and its header, fallback commit. */
export function sourceOptions(source: SourceConfig): OpenSourceOptions {
  const options: OpenSourceOptions = { limits: source.limits };
  if (source.token) options.token = source.token;
  if (source.tokenHeader) options.tokenHeader = source.tokenHeader;
  if (source.commit) options.commit = source.commit;
  return options;
}

async function planFromConfig(config: DriftwatchConfig, flags: PlanFlags): Promise<RunPlan> {
  const selected = flags.cluster
    ? config.clusters.filter((cluster) => cluster.name === flags.cluster)
    : config.clusters;
  if (selected.length === 0) {
    throw new UsageError(
      `cluster "${flags.cluster ?? ''}" is not in the config; clusters: ${config.clusters.map((cluster) => cluster.name).join(', ')}`,
    );
  }
  const overrides = accessFromFlags(flags);
  const namespaces = namespacesFlag(flags);
  if (selected.length > 1 && (overrides || flags.path || namespaces || hasRenderFlags(flags))) {
    throw new UsageError(
      '--snapshot, --kubeconfig, --context, --path, --namespace and the --helm-*/--kube-version flags apply to one cluster: add --cluster NAME',
    );
  }
  const clusters: ClusterPlan[] = [];
  for (const cluster of selected) {
    const clusterNamespaces = namespaces ?? cluster.namespaces;
    clusters.push({
      name: cluster.name,
      sourcePath: flags.path ?? cluster.path,
      access: overrides ?? cliAccess(cluster.name, cluster.access),
      includeSecrets: flags.includeSecrets === true || cluster.includeSecrets,
      ...(clusterNamespaces ? { namespaces: clusterNamespaces } : {}),
      ...(await helmFromFlags(flags, cluster.helm)),
      ...kustomizeFromFlags(flags, cluster.kustomize),
    });
  }
  const { source } = config;
  const options = sourceOptions(source);
  const destination = flags.out ? resolve(flags.out) : config.report.destination;
  if (destination.startsWith('s3://')) {
    throw new UsageError(
      `report.destination ${destination} is written by the AWS pipeline; give --out FOLDER for a local run`,
    );
  }
  return {
    source: { location: flags.source ? sourceLocation(flags.source) : source.location, options },
    clusters,
    drift: {
      ignoreRules: config.ignore,
      trustedManagers: config.trustedManagers,
      ignoreHpaReplicas: config.ignoreHpaReplicas,
    },
    checks: { config: config.checks, exemptions: config.exemptions },
    renderer: rendererSettings(config.renderer, flags),
    destination,
  };
}

function cliAccess(cluster: string, access: ClusterAccess): LiveAccess {
  if (access.type === 'snapshot') return access;
  if (access.type === 'kubeconfig')
    return { type: 'kubeconfig', path: access.path, ...(access.context ? { context: access.context } : {}) };
  throw new UsageError(
    `cluster ${cluster} is reached through ${access.type}, which the local CLI does not read: give --kubeconfig or --snapshot`,
  );
}

function kustomizeFromFlags(
  flags: PlanFlags,
  configured: KustomizeRenderOptions | undefined,
): { kustomize?: KustomizeRenderOptions } {
  const kustomize: KustomizeRenderOptions = {
    ...configured,
    ...(flags.enableHelm ? { enableHelm: true } : {}),
    ...(flags.loadRestrictor ? { loadRestrictor: flags.loadRestrictor } : {}),
  };
  return Object.keys(kustomize).length > 0 ? { kustomize } : {};
}

function hasRenderFlags(flags: PlanFlags): boolean {
  return (
    [flags.helmRelease, flags.helmNamespace, flags.kubeVersion, flags.loadRestrictor].some(
      (flag) => flag !== undefined,
    ) ||
    flags.enableHelm === true ||
    [flags.helmValues, flags.helmSet, flags.helmSetString, flags.apiVersions].some(
      (list) => list !== undefined && list.length > 0,
    )
  );
}

/** The config's Helm settings with the flags over them: values files and --set entries come after the config's. */
async function helmFromFlags(
  flags: PlanFlags,
  configured: HelmRenderOptions | undefined,
): Promise<{ helm?: HelmRenderOptions }> {
  const given =
    [flags.helmRelease, flags.helmNamespace, flags.kubeVersion].some((flag) => flag !== undefined) ||
    [flags.helmValues, flags.helmSet, flags.helmSetString, flags.apiVersions].some(
      (list) => list !== undefined && list.length > 0,
    );
  if (!given) return configured ? { helm: configured } : {};
  const helm: HelmRenderOptions = { ...configured };
  if (flags.helmRelease !== undefined) helm.releaseName = flags.helmRelease;
  if (flags.helmNamespace !== undefined) helm.namespace = flags.helmNamespace;
  if (flags.kubeVersion !== undefined) helm.kubeVersion = flags.kubeVersion;
  if (flags.apiVersions?.length) helm.apiVersions = [...(configured?.apiVersions ?? []), ...flags.apiVersions];
  if (flags.helmValues?.length)
    helm.valueFiles = [...(configured?.valueFiles ?? []), ...(await Promise.all(flags.helmValues.map(valuesFile)))];
  if (flags.helmSet?.length) helm.set = [...(configured?.set ?? []), ...flags.helmSet];
  if (flags.helmSetString?.length) helm.setString = [...(configured?.setString ?? []), ...flags.helmSetString];
  return { helm };
}

/** `--helm-values FILE`: a local file as helm -f reads it; else a path relative to the chart folder in the source. */
async function valuesFile(path: string): Promise<HelmValuesFile> {
  const local = resolve(path);
  if (!existsSync(local)) return { path };
  try {
    // The absolute path names the file in the repair command, wherever that command is run.
    return { name: local, content: await readFile(local) };
  } catch (error) {
    throw new UsageError(`--helm-values ${path}: cannot be read (${describeFsError(error)})`);
  }
}

function rendererSettings(base: RendererSettings, flags: PlanFlags): RendererSettings {
  return flags.renderer !== undefined ? { ...base, path: resolve(flags.renderer) } : base;
}
