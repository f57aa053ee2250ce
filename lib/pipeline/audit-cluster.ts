import { randomBytes } from 'node:crypto';
import type { AuditLogSource } from '../auditlog/index.ts';
import { withActors } from '../auditlog/index.ts';
import { CHECK_KINDS, applyExemptions, declaredPodTemplates, runChecks } from '../checks/index.ts';
import type { LiveState } from '../cluster/types.ts';
import type { SnapshotReduction } from '../cluster/snapshot.ts';
import type { ChecksConfig, ExemptionConfig } from '../config/types.ts';
import type { DriftOptions } from '../diff/drift.ts';
import { computeDrift } from '../diff/drift.ts';
import type { SecretDigestKey } from '../diff/secret.ts';
import { DEFAULT_TRUSTED_MANAGERS, trustPolicy } from '../diff/trust.ts';
import { groupOf } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import { ScopeTable } from '../kube/scope.ts';
import type { Finding, Report } from '../report/report.ts';
import { buildReport, withFindings } from '../report/report.ts';
import { withRemediation } from '../diff/remediation.ts';
import { DEFAULT_RENDERER_SETTINGS, declarePrepared, prepareManifests, remediationSource } from '../render/index.ts';
import type { RenderInfo, RenderRequest } from '../render/index.ts';
import { requireDeclaredObjects } from '../source/require-declared.ts';
import type { DeclaredState, SourceTree } from '../source/types.ts';
import type { GroupKind } from '../kube/kinds.ts';
import { kindKey, objectKindKey } from '../kube/kinds.ts';

export interface ClusterAuditInput {
  cluster: string;
  /** What an ad-hoc run audits (see Report.identity). */
  identity?: string;
  /** Folder of the source tree that holds this cluster's manifests. */
  sourcePath: string;
  /** Namespaces in scope; all that the manifests use when absent. */
  namespaces?: readonly string[];
  /** Read Secrets from the cluster (needs RBAC on secrets); otherwise declared Secrets stay unverified. */
  includeSecrets?: boolean;
  /** The declared state; absent when only the cluster checks run (no drift is computed then). */
  tree?: SourceTree;
  /**
   * Reads the live state of the kinds the manifests declare (plus what the audit needs, such as HPAs). A reader that
   * holds more kinds than it was asked for (a snapshot) may drop the objects of kinds outside `retainKinds`.
   */
  readLive: (
    kinds: readonly GroupKind[],
    namespaces: readonly string[] | undefined,
    needs: LiveNeeds,
  ) => Promise<LiveState>;
  /** How a kustomization or chart at `sourcePath` is rendered; default settings when absent. */
  render?: RenderRequest;
  drift?: DriftOptions;
  /** The key of this run's Secret digests in the report; a fresh random one when absent (one run, one key). */
  secretDigestKey?: SecretDigestKey;
  /** Cluster hygiene checks; absent: none run. */
  checks?: ChecksRun;
  /** The cluster's audit log: who made each change (`actor`); absent: `scan.auditLog` says not configured. */
  auditLog?: AuditLogSource;
  runId: string;
  now?: () => Date;
  onProgress?: (message: string) => void;
}

/** What the audit reads of live objects, for a reader that holds more than it was asked for (a snapshot). */
export type LiveNeeds = SnapshotReduction;

export interface ChecksRun {
  config: ChecksConfig;
  exemptions: readonly ExemptionConfig[];
  /** What the previous run observed (see previousObservedAt): Warning events before it were reported then. */
  since?: Date;
}

/** API groups served by Kubernetes itself; any other group is a custom resource whose CRD says how its lists merge. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'apiregistration.k8s.io',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
]);
const REPLICA_SETS: GroupKind = { group: 'apps', kind: 'ReplicaSet' };
const CRD_KIND: GroupKind = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' };

/** A run of the cluster checks alone, without a source. */
const NOTHING_DECLARED: DeclaredState = { location: 'none', objects: [], problems: [], fileCount: 0 };

/** HorizontalPodAutoscalers are read too: the replicas of the workloads they scale are theirs. */
const ALWAYS_READ: readonly GroupKind[] = [{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }];

/** One cluster, end to end: declared objects, live objects, drift, report. No writing, no notifying. */
export async function auditCluster(input: ClusterAuditInput): Promise<Report> {
  const progress = input.onProgress ?? (() => {});
  const scope = new ScopeTable();
  const renderRequest = input.render ?? { settings: DEFAULT_RENDERER_SETTINGS };
  const prepared = input.tree ? await prepareManifests(input.tree, input.sourcePath, renderRequest) : undefined;
  if (prepared && prepared.info.renderer !== 'plain')
    progress(`${input.cluster}: rendered ${prepared.folder || '.'} with ${describeRender(prepared.info)}`);
  const declare = (): DeclaredState =>
    prepared
      ? inScope(
          requireDeclaredObjects(
            declarePrepared(prepared, scope),
            input.sourcePath,
            prepared.info.renderer === 'plain' ? undefined : prepared.info.renderer,
          ),
          input.namespaces,
        )
      : NOTHING_DECLARED;
  let declared = declare();
  progress(`${input.cluster}: ${declared.objects.length} declared objects in ${declared.fileCount} files`);
  const checksOn = input.checks?.config.enabled === true;
  const live = await input.readLive(
    kindsToRead(declared, input.includeSecrets === true, checksOn),
    input.namespaces,
    liveNeeds(declared, checksOn),
  );
  progress(`${input.cluster}: ${live.objects.length} live objects from ${live.origin}`);
  if (teachScope(scope, live)) declared = declare();
  const liveInScope = { ...live, objects: live.objects.filter((object) => inNamespaces(object, input.namespaces)) };
  const computed = computeDrift(declared.objects, liveInScope, {
    ...input.drift,
    secretDigestKey: input.secretDigestKey ?? randomBytes(32),
  });
  const result = prepared
    ? {
        ...computed,
        drift: withRemediation(
          computed.drift,
          declared.objects,
          liveInScope.objects,
          remediationSource(prepared, renderRequest),
        ),
      }
    : computed;
  const generatedAt = (input.now ?? (() => new Date()))();
  const built = buildReport({
    runId: input.runId,
    cluster: input.cluster,
    ...(input.identity ? { identity: input.identity } : {}),
    generatedAt,
    sourcePath: input.sourcePath,
    declared,
    live: liveInScope,
    result,
    includeSecrets: input.includeSecrets === true,
    ...(prepared ? { render: prepared.info } : {}),
  });
  const checked = input.checks && checksOn ? withChecks(input, input.checks, built, declared, liveInScope) : built;
  const report = await withActors(checked, input.auditLog, live);
  if (input.auditLog && report.scan.auditLog && 'matched' in report.scan.auditLog) {
    const { events, matched, unmatched } = report.scan.auditLog;
    progress(`${input.cluster}: audit log: ${events} writes, ${matched} changes attributed, ${unmatched} not`);
  }
  return report;
}

function withChecks(
  input: ClusterAuditInput,
  checks: ChecksRun,
  report: Report,
  declared: DeclaredState,
  live: LiveState,
): Report {
  const generatedAt = new Date(report.generatedAt);
  // A snapshot is judged at the time it was taken, not at the time it is read.
  const observedAt = new Date(report.scan.observedAt ?? report.generatedAt);
  const findings = checkFindings(input, checks, declared, live, { observedAt, generatedAt });
  input.onProgress?.(`${input.cluster}: ${findings.length} findings from the cluster checks`);
  return withFindings(report, findings);
}

function describeRender(info: RenderInfo): string {
  const versions = info.tool
    ? Object.entries(info.tool.versions)
        .filter(([name]) => name === 'helm' || name === 'kustomize')
        .map(([name, version]) => `${name} ${version}`)
        .join(', ')
    : '';
  const chart = info.chart ? ` (chart ${info.chart.name} ${info.chart.version})` : '';
  return `${info.tool?.name ?? info.renderer}${versions ? ` [${versions}]` : ''}${chart}`;
}

/** The clock of the checks (what the live state shows) and of the exemptions (today: an expiry date is a real date). */
interface CheckClocks {
  observedAt: Date;
  generatedAt: Date;
}

function checkFindings(
  input: ClusterAuditInput,
  checks: ChecksRun,
  declared: DeclaredState,
  live: LiveState,
  clocks: CheckClocks,
): Finding[] {
  const declaredObjects = declared.objects.map(({ object }) => object);
  // Without a source nothing narrows the scope: every namespace but the control plane's (the checks' default).
  const declaredNamespaces = [
    ...new Set(declaredObjects.flatMap((object) => (object.metadata.namespace ? [object.metadata.namespace] : []))),
  ];
  const namespaces = input.namespaces ?? (input.tree ? declaredNamespaces : undefined);
  // Events before the previous run's observation were reported then; a previous observation at or after this one
  // (the same snapshot again, or an older one) says nothing about this one's events.
  const since = checks.since && checks.since.getTime() < clocks.observedAt.getTime() ? checks.since : undefined;
  const findings = runChecks({
    objects: live.objects,
    now: clocks.observedAt,
    ...(since ? { since } : {}),
    declaredPodTemplates: declaredPodTemplates(declaredObjects),
    ...(namespaces ? { auditedNamespaces: namespaces } : {}),
    config: checks.config,
    trust: trustPolicy(input.drift?.trustedManagers ?? DEFAULT_TRUSTED_MANAGERS),
  });
  return applyExemptions(findings, checks.exemptions, clocks.generatedAt, checks.config);
}

/** The declared kinds, Secrets only when the config opts in (least privilege), and what the audit always needs. */
function kindsToRead(declared: DeclaredState, includeSecrets: boolean, checks: boolean): GroupKind[] {
  const kinds = new Map<string, GroupKind>();
  for (const { object } of declared.objects) {
    const group = groupOf(object.apiVersion);
    if (group === '' && object.kind === 'Secret' && !includeSecrets) continue;
    kinds.set(kindKey({ group, kind: object.kind }), { group, kind: object.kind });
    // A Deployment's earlier revisions say whether `kubectl rollout undo` restores what Git declares.
    if (group === 'apps' && object.kind === 'Deployment') kinds.set(kindKey(REPLICA_SETS), REPLICA_SETS);
  }
  const customResources = [...kinds.values()].some((kind) => !BUILT_IN_GROUPS.has(kind.group));
  for (const kind of [...ALWAYS_READ, ...(checks ? CHECK_KINDS : []), ...(customResources ? [CRD_KIND] : [])])
    kinds.set(kindKey(kind), kind);
  return [...kinds.values()];
}

/**
 * The diff reads every declared kind (Secrets too: a snapshot that holds them is compared), ReplicaSets (rollback),
 * HPAs and CRDs (their list types); the checks read every kind (see LiveNeeds).
 */
function liveNeeds(declared: DeclaredState, checks: boolean): LiveNeeds {
  const fullKinds = new Set(declared.objects.map(({ object }) => objectKindKey(object)));
  for (const kind of [REPLICA_SETS, ...ALWAYS_READ, CRD_KIND]) fullKinds.add(kindKey(kind));
  return { fullKinds, otherKinds: checks ? 'without-field-sets' : 'drop' };
}

/** Discovery knows better than the built-in table which kinds are cluster-scoped; true when it taught something new. */
function teachScope(scope: ScopeTable, live: LiveState): boolean {
  let learned = false;
  for (const key of live.clusterScopedKinds) {
    const slash = key.lastIndexOf('/');
    const group = key.slice(0, slash);
    const kind = key.slice(slash + 1);
    if (scope.isClusterScoped(group, kind)) continue;
    scope.set(group, kind, true);
    learned = true;
  }
  return learned;
}

/** In scope: every object without namespace restrictions; else objects of those namespaces, and the Namespaces themselves. */
function inNamespaces(object: KubeObject, namespaces: readonly string[] | undefined): boolean {
  if (!namespaces) return true;
  const { namespace, name } = object.metadata;
  if (namespace) return namespaces.includes(namespace);
  return object.kind !== 'Namespace' || groupOf(object.apiVersion) !== '' || namespaces.includes(name);
}

function inScope(declared: DeclaredState, namespaces: readonly string[] | undefined): DeclaredState {
  if (!namespaces) return declared;
  return {
    ...declared,
    objects: declared.objects.filter(
      ({ object }) => !object.metadata.namespace || namespaces.includes(object.metadata.namespace),
    ),
  };
}
