import type { TrustedManager } from '../diff/trust.ts';
import type { HelmRenderOptions, KustomizeRenderOptions, RendererSettings } from '../render/index.ts';
import type { ArchiveLimits } from '../source/types.ts';
import type {
  ExemptionConfig,
  IgnoreRuleConfig,
  NotificationSeverity,
  NotificationsConfig,
  ReportFileFormat,
} from './types.ts';

/** The YAML shape once the JSON Schema accepted it, before normalisation. Internal to lib/config. */
export interface RawConfig {
  source: RawSource;
  clusters: RawCluster[];
  renderer?: Partial<RendererSettings>;
  ignore?: IgnoreRuleConfig[];
  trustedManagers?: TrustedManager[];
  ignoreHpaReplicas?: boolean;
  report?: { destination?: string; formats?: ReportFileFormat[] };
  notifications?: NotificationsConfig;
  schedule?: string;
  checks?: RawChecks;
  exemptions?: ExemptionConfig[];
}

export interface RawChecks {
  enabled?: boolean;
  disable?: string[];
  severity?: Record<string, NotificationSeverity>;
  podRestarts?: { threshold?: number };
  podPending?: { minutes?: number };
  events?: { windowMinutes?: number };
  csrPending?: { minutes?: number };
  imagesWithoutDigest?: boolean;
  rbac?: { allowSubjects?: string[] };
  allowSelfExemption?: boolean;
}

export interface RawSource {
  location: string;
  token?: string;
  tokenHeader?: string;
  tokenSecretId?: string;
  commit?: string;
  limits?: Partial<ArchiveLimits>;
}

export interface RawClusterBase {
  name: string;
  path: string;
  namespaces?: string[];
  includeSecrets?: boolean;
  auditLog?: { cloudWatch?: { logGroup?: string; region?: string } };
  helm?: RawHelm;
  kustomize?: KustomizeRenderOptions;
}

/** `clusters[].helm` as written: values files are paths relative to the chart folder. */
export interface RawHelm extends Omit<HelmRenderOptions, 'valueFiles'> {
  valueFiles?: string[];
}

/** The schema's oneOf guarantees exactly one of these keys. */
export type RawAccess =
  | { snapshot: string }
  | { kubeconfig: { path: string; context?: string } }
  | { eks: { name: string; region: string; roleArn?: string } }
  | { kubeconfigSecret: { secretId: string; context?: string } };

export type RawCluster = RawClusterBase & RawAccess;
