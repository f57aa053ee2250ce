import type { IgnoreRule } from '../diff/ignore.ts';
import type { TrustedManager } from '../diff/trust.ts';
import type { HelmRenderOptions, KustomizeRenderOptions, RendererSettings } from '../render/index.ts';
import type { ChecksConfig, ExemptionConfig, Severity } from '../checks/index.ts';
import type { ArchiveLimits } from '../source/types.ts';

/** The normalised `driftwatch.yaml`: validated, `${env:…}` expanded, defaults applied, local paths absolute. */
export interface DriftwatchConfig {
  source: SourceConfig;
  clusters: ClusterConfig[];
  /** Every limit filled in; `path` absolute when given. */
  renderer: RendererSettings;
  /** Empty when the config has none. */
  ignore: IgnoreRuleConfig[];
  /** The built-in trusted managers followed by the config's additions: pass it as is to the drift engine. */
  trustedManagers: TrustedManager[];
  ignoreHpaReplicas: boolean;
  report: ReportConfig;
  /** Empty object when the config has none. */
  notifications: NotificationsConfig;
  /** EventBridge schedule expression of the deployed auditor. */
  schedule?: string;
  /** Every key filled in: the config's values over the built-in defaults. */
  checks: ChecksConfig;
  /** Empty when the config has none. */
  exemptions: ExemptionConfig[];
}

export interface SourceConfig {
  /** Absolute local path (folder or archive file), or an https:// / s3:// URL as written. */
  location: string;
  /** Absent when the config gives none or an empty one (`${env:GIT_TOKEN:-}`). */
  token?: string;
  /** Header carrying the token; `Authorization` (the default when absent) sends `Bearer <token>`, others the raw token. */
  tokenHeader?: string;
  /** AWS Secrets Manager secret holding the token. */
  tokenSecretId?: string;
  /** Commit to report when the archive carries none. */
  commit?: string;
  /** Every limit filled in, the config's values over DEFAULT_ARCHIVE_LIMITS. */
  limits: ArchiveLimits;
}

export interface ClusterConfig {
  name: string;
  /** Folder of the source tree, `/`-separated without `./` or trailing `/`; `.` is the whole tree. */
  path: string;
  /** Namespaces in scope; undefined means every namespace the manifests use. */
  namespaces?: string[];
  access: ClusterAccess;
  includeSecrets: boolean;
  /** Where the cluster's Kubernetes audit log is read: who made each change. */
  auditLog?: AuditLogConfig;
  /** How a chart at `path` is templated (values files relative to the chart folder, in the source). */
  helm?: HelmRenderOptions;
  /** How a kustomization at `path` is built. */
  kustomize?: KustomizeRenderOptions;
}

/** EKS control-plane audit logs in CloudWatch Logs; both default from the cluster's `eks` access. */
export interface AuditLogConfig {
  cloudWatch: { logGroup: string; region: string };
}

/** How the live state of a cluster is read: exactly one per cluster. */
export type ClusterAccess = SnapshotAccess | KubeconfigAccess | EksAccess | KubeconfigSecretAccess;

export interface SnapshotAccess {
  type: 'snapshot';
  /** Absolute path of the `kubectl get -o yaml|json` file. */
  path: string;
}

export interface KubeconfigAccess {
  type: 'kubeconfig';
  /** Absolute path of the kubeconfig file. */
  path: string;
  context?: string;
}

export interface EksAccess {
  type: 'eks';
  name: string;
  region: string;
  roleArn?: string;
}

export interface KubeconfigSecretAccess {
  type: 'kubeconfigSecret';
  secretId: string;
  context?: string;
}

/** An ignore rule of the drift engine plus a note for humans. */
export interface IgnoreRuleConfig extends IgnoreRule {
  reason?: string;
}

/** Same values as the report module's ReportFormat. */
export type ReportFileFormat = 'json' | 'markdown' | 'table';

export interface ReportConfig {
  /** Absolute folder path, or `s3://bucket/prefix` as written. Default: `driftwatch-reports` next to the config. */
  destination: string;
  /** Default `['json']`. */
  formats: ReportFileFormat[];
}

export type NotificationSeverity = Severity;

export interface NotificationsConfig {
  slack?: SlackNotificationConfig;
  sns?: SnsNotificationConfig;
}

export interface SlackNotificationConfig {
  webhookUrl?: string;
  webhookSecretId?: string;
  minSeverity?: NotificationSeverity;
  includeResolved?: boolean;
}

export interface SnsNotificationConfig {
  topicArn: string;
  minSeverity?: NotificationSeverity;
  includeResolved?: boolean;
}

// The checks' options are theirs (lib/checks/options.ts): the config produces them, the checks define them.
export type { ChecksConfig, ExemptionConfig } from '../checks/index.ts';
