import type { ReportLink } from '../aws/report-link.ts';
import { describeError } from '../io/errors.ts';
import type { ChecksConfig, ExemptionConfig } from '../config/types.ts';
import type { DriftOptions } from '../diff/drift.ts';
import type { ChannelPolicy, NotificationDecision } from '../notify/decide.ts';
import { notificationFor } from '../notify/decide.ts';
import { RenderError, renderRequestFor } from '../render/index.ts';
import type { HelmRenderOptions, KustomizeRenderOptions, RendererSettings } from '../render/index.ts';
import { failedReport } from '../report/failed.ts';
import { applyHistory, previousObservedAt } from '../report/history.ts';
import type { Report } from '../report/report.ts';
import type { SourceTree } from '../source/types.ts';
import type { ReportKeys } from '../store/layout.ts';
import type { AuditLogSource } from '../auditlog/index.ts';
import { auditCluster } from './audit-cluster.ts';
import type { LiveAccess, LiveStateDeps } from './live.ts';
import { readLiveCapabilities, readLiveState } from './live.ts';
import type { ChannelMark, DeliveryLedger, DeliveryState, StoredRun } from './delivery.ts';
import { isStale } from './delivery.ts';
import type { Log, MetricSink } from './observe.ts';
import { renderFailure } from './render-failure.ts';
import { SEVERITIES } from '../checks/index.ts';

/** What to audit: a configured cluster (CLI plan or Lambda config alike). */
export interface ClusterRun {
  name: string;
  /** What an ad-hoc run audits (see Report.identity). */
  identity?: string;
  sourcePath: string;
  namespaces?: readonly string[];
  access: LiveAccess;
  includeSecrets: boolean;
  helm?: HelmRenderOptions;
  kustomize?: KustomizeRenderOptions;
  /** Where the cluster's audit log is read (who made each change); absent: not configured. */
  auditLogSource?: AuditLogSource;
}

/** What every cluster of a run shares: how to render, what drift is, which checks run. */
export interface RunSettings {
  renderer: RendererSettings;
  drift: DriftOptions;
  checks: { config: ChecksConfig; exemptions: readonly ExemptionConfig[] };
}

/** The declared state of the run. The adapter caches the tree: every cluster of a run reads the same one. */
export interface DeclaredSource {
  /** Where it comes from, without credentials: what a failed cluster's report names; `none` without a source. */
  location: string;
  /** The tree, or undefined when only the cluster checks run; throws when the source cannot be read. */
  open(): Promise<SourceTree | undefined>;
}

/** The latest stored report of a cluster, or what was stored there instead of one. */
export interface LatestReport {
  report?: Report;
  /** Set when something is stored there but it is not a report of this cluster (`where` names it, `reason` says why). */
  invalid?: { where: string; reason: string };
}

/**
 * Where reports go: the dated report (with its findings copy) first, the latest copy last. Reading the latest report
 * throws when the store cannot answer (the run is retried); a store that has nothing answers `{}`.
 */
export interface ReportStore {
  latest(cluster: string): Promise<LatestReport>;
  /** A dated report by its key, whole (a redelivered run's own report, a channel's last one); undefined when gone. */
  get(cluster: string, key: string): Promise<Report | undefined>;
  /** Where this store keeps a report. */
  keysOf(report: Report): ReportKeys;
  putReport(report: Report): Promise<ReportKeys>;
  putLatest(report: Report): Promise<void>;
  /** A link a reader of a notification can open, and when it stops working, when the store has one. */
  link?(keys: ReportKeys): Promise<ReportLink>;
}

/** One notification channel (SNS, Slack): what it wants to hear, and how a message reaches it. */
export interface Notifier {
  readonly channel: string;
  readonly policy: ChannelPolicy;
  /** Delivers the message; throws (with a cause that names no secret) when the channel did not take it. */
  deliver(report: Report, decision: NotificationDecision, stored: StoredReport): Promise<Record<string, unknown>>;
}

/** Where the report of a message is stored, and a link to it for readers when the store gives one. */
export interface StoredReport {
  keys: ReportKeys;
  url?: string;
  /** When `url` stops working (ISO 8601): every message that carries the link says so. */
  urlExpiresAt?: string;
}

export interface Clock {
  now(): Date;
  /** Milliseconds before the caller is stopped (a Lambda's remaining time); absent: no deadline. */
  remainingMs?: () => number;
}

export interface RunClusterDeps {
  settings: RunSettings;
  source: DeclaredSource;
  /** How the live state is reached (secrets, EKS, request timeout, progress). */
  live: LiveStateDeps;
  store: ReportStore;
  notifiers: readonly Notifier[];
  /** Delivery state per cluster and channel; without it a run is never resumed and a missed message stays missed. */
  ledger?: DeliveryLedger;
  clock: Clock;
  log: Log;
  metrics: MetricSink;
}

/** `sent-before`: a redelivered message whose run had already told this channel. */
export type ChannelOutcome = 'sent' | 'failed' | 'nothing-new' | 'sent-before';

/** Which run a message asks for: the schedule's run id and time. */
export interface RunRef {
  runId: string;
  scheduledAt?: string;
}

export type ClusterRunOutcome =
  | {
      /** `resumed`: the run had stored its report before (a message handled again): no second audit or history step. */
      status: 'audited' | 'resumed';
      report: Report;
      keys: ReportKeys;
      channels: Record<string, ChannelOutcome>;
    }
  | { status: 'stale'; later: StoredRun };

/**
 * Time kept back from the deadline for what follows the audit (store, notify, latest): an audit still running then
 * is given up and the cluster gets an incomplete report instead of none.
 */
export const FINISH_RESERVE_MS = 30_000;

/**
 * One cluster run from start to end, the same for the CLI and the Lambda: previous report, audit (or an error report
 * when anything fails: source, render, live state, deadline), history, store, notify, latest. A cluster that fails is
 * reported and notified; only a store that cannot take the report makes the run throw (then the caller retries).
 */
export async function runCluster(deps: RunClusterDeps, cluster: ClusterRun, run: RunRef): Promise<ClusterRunOutcome> {
  const started = deps.clock.now().getTime();
  const { runId } = run;
  const state = deps.ledger ? await deps.ledger.read(cluster.name) : undefined;
  if (state?.stored && isStale(state, runId, run.scheduledAt)) {
    deps.log.warn('a later run already audited this cluster; this late message is dropped', {
      cluster: cluster.name,
      runId,
      laterRunId: state.stored.runId,
    });
    deps.metrics.count('StaleMessages', 1);
    return { status: 'stale', later: state.stored };
  }
  const resumed =
    state?.stored?.runId === runId ? await deps.store.get(cluster.name, state.stored.keys.report) : undefined;
  let report: Report;
  let keys: ReportKeys;
  let delivery = state;
  if (resumed && state?.stored) {
    deps.log.info('this run stored its report before (the message came again): finishing it without a second audit', {
      cluster: cluster.name,
      runId,
      key: state.stored.keys.report,
    });
    deps.metrics.count('RunsResumed', 1);
    report = resumed;
    keys = state.stored.keys;
  } else {
    const { report: previous, invalid } = await previousReport(deps, cluster, state);
    const audited = await auditOrFail(deps, cluster, runId, previous);
    report = applyHistory(audited, previous, invalid);
    keys = await deps.store.putReport(report);
    recordMetrics(deps.metrics, report, deps.clock.now().getTime() - started);
    deps.log.info('report stored', {
      cluster: cluster.name,
      runId,
      key: keys.report,
      drift: report.drift.length,
      complete: report.scan.complete,
    });
    if (deps.ledger) {
      // Before telling anyone: a message handled again after this point finishes this run instead of running another.
      delivery = storedRun(
        deps,
        state,
        cluster.name,
        { runId, ...(run.scheduledAt ? { scheduledAt: run.scheduledAt } : {}), generatedAt: report.generatedAt, keys },
        previous,
      );
      await deps.ledger.write(delivery);
    }
  }
  const channels = await notify(deps, report, keys, delivery);
  // Last: until it is written, a retried run still compares with the older report and tells the news again.
  await deps.store.putLatest(report);
  return { status: resumed ? 'resumed' : 'audited', report, keys, channels };
}

/** The state after storing a run's report: channels without a mark are up to date with the previous report. */
function storedRun(
  deps: RunClusterDeps,
  state: DeliveryState | undefined,
  cluster: string,
  stored: StoredRun,
  previous: Report | undefined,
): DeliveryState {
  const channels = { ...state?.channels };
  const at = deps.clock.now().toISOString();
  for (const { channel } of deps.notifiers) {
    channels[channel] ??= previous ? { runId: previous.runId, report: deps.store.keysOf(previous).report, at } : { at };
  }
  return { cluster, stored, channels };
}

/**
 * The previous report of this audit, or why a stored one cannot be (recorded in the new report's history). When the
 * last run stored and told a report but never wrote `latest/` (its message went to the DLQ), that report is the
 * previous one: its news was told, so history goes on from it rather than from the older `latest/`.
 */
async function previousReport(
  deps: RunClusterDeps,
  cluster: ClusterRun,
  state: DeliveryState | undefined,
): Promise<{ report?: Report; invalid?: string }> {
  const latest = await deps.store.latest(cluster.name);
  if (latest.invalid) {
    const { where, reason } = latest.invalid;
    deps.log.warn(`${where} is not a valid report; history starts afresh (${reason})`, {
      cluster: cluster.name,
      where,
      reason,
    });
    return { invalid: reason };
  }
  const unfinished =
    state?.stored &&
    state.stored.runId !== latest.report?.runId &&
    (!latest.report || state.stored.generatedAt >= latest.report.generatedAt)
      ? state.stored
      : undefined;
  const newer = unfinished ? await deps.store.get(cluster.name, unfinished.keys.report) : undefined;
  if (newer)
    deps.log.info('the last stored report never reached latest/: history goes on from it', {
      cluster: cluster.name,
      runId: newer.runId,
    });
  const stored = newer ?? latest.report;
  // Same name, another audit (a --cluster reused for another source or snapshot): not this run's history.
  if (stored && stored.identity !== cluster.identity) {
    deps.log.info(`the latest report of ${cluster.name} is of another audit; history starts afresh`, {
      cluster: cluster.name,
    });
    return {};
  }
  return stored ? { report: stored } : {};
}

async function auditOrFail(
  deps: RunClusterDeps,
  cluster: ClusterRun,
  runId: string,
  previous: Report | undefined,
): Promise<Report> {
  const failed = (error: string, cause?: unknown): Report =>
    failedReport({
      runId,
      cluster: cluster.name,
      ...(cluster.identity ? { identity: cluster.identity } : {}),
      generatedAt: deps.clock.now(),
      sourcePath: cluster.sourcePath,
      sourceLocation: deps.source.location,
      error,
      ...(cause instanceof RenderError ? renderFailure(cause, cluster.sourcePath) : {}),
    });
  let tree: SourceTree | undefined;
  try {
    tree = await deps.source.open();
  } catch (error) {
    deps.log.error('source cannot be read', {
      cluster: cluster.name,
      runId,
      error: describeError(error),
      cause: causeOf(error),
    });
    return failed(`source cannot be read: ${describeError(error)}`);
  }
  const budgetMs = deps.clock.remainingMs ? deps.clock.remainingMs() - FINISH_RESERVE_MS : undefined;
  try {
    const audit = auditCluster({
      cluster: cluster.name,
      ...(cluster.identity ? { identity: cluster.identity } : {}),
      sourcePath: cluster.sourcePath,
      ...(cluster.namespaces ? { namespaces: cluster.namespaces } : {}),
      includeSecrets: cluster.includeSecrets,
      ...(tree ? { tree } : {}),
      readLive: (kinds, namespaces, needs) => readLiveState(cluster.access, kinds, namespaces, deps.live, needs),
      render: renderRequestFor(deps.settings.renderer, cluster, () => readLiveCapabilities(cluster.access, deps.live)),
      drift: deps.settings.drift,
      ...(cluster.auditLogSource ? { auditLog: cluster.auditLogSource } : {}),
      checks: { ...deps.settings.checks, ...(previous ? { since: previousObservedAt(previous) } : {}) },
      runId,
      now: () => deps.clock.now(),
      onProgress: (line) => deps.log.info(line, { cluster: cluster.name, runId }),
    });
    return budgetMs === undefined ? await audit : await withDeadline(audit, budgetMs);
  } catch (error) {
    deps.log.error('audit failed; storing an error report', {
      cluster: cluster.name,
      runId,
      error: describeError(error),
      cause: causeOf(error),
    });
    return failed(describeError(error), error);
  }
}

/** The error of an audit that was still running when the time kept for finishing began. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** The audit, or a DeadlineError when it takes longer than `budgetMs` (the audit itself is left to be dropped). */
async function withDeadline<T>(work: Promise<T>, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    const fail = (): void =>
      reject(
        new DeadlineError(
          `the audit did not finish in time: stopped ${Math.round(FINISH_RESERVE_MS / 1000)} s before the function's timeout to store this report`,
        ),
      );
    if (budgetMs <= 0) fail();
    else timer = setTimeout(fail, budgetMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The chain of causes, for the logs: an SDK error wrapped by ours says what really went wrong. */
export function causeOf(error: unknown): string | undefined {
  const causes: string[] = [];
  let current = error instanceof Error ? error.cause : undefined;
  while (current !== undefined && causes.length < 5) {
    causes.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return causes.length > 0 ? causes.join(' <- ') : undefined;
}

function recordMetrics(metrics: MetricSink, report: Report, durationMs: number): void {
  metrics.count('DriftModified', report.summary.modified);
  metrics.count('DriftMissing', report.summary.missing);
  metrics.count('DriftExtra', report.summary.extra);
  metrics.count('DriftNew', report.history?.counts.new ?? 0);
  metrics.count('DriftResolved', report.history?.counts.resolved ?? 0);
  for (const severity of SEVERITIES) {
    metrics.count(
      `Findings${severity[0]?.toUpperCase()}${severity.slice(1)}`,
      report.findings.filter((finding) => finding.severity === severity && !finding.exempted).length,
    );
  }
  const scanErrors =
    report.scan.lists.filter((list) => list.status !== 'listed').length +
    (report.scan.error ? 1 : 0) +
    report.source.failedFiles.length;
  metrics.count('ScanErrors', scanErrors);
  metrics.milliseconds('AuditDuration', durationMs);
}

/** What a channel hears of a report, given where it is up to, and whether it is worth a message. */
interface ChannelPlan {
  notifier: Notifier;
  /** The report as this channel sees it: its history against the last report the channel is up to date with. */
  view: Report;
  decision?: NotificationDecision;
  /** The channel had this run's message already. */
  sentBefore: boolean;
}

/**
 * Every channel on its own: one that fails never holds up another, and neither loses the stored report. With a
 * ledger, a channel that missed news is told the difference from the last report it had (merged, not repeated), and
 * each message is marked as soon as it is taken, so the same run handled twice tells no channel twice.
 */
async function notify(
  deps: RunClusterDeps,
  report: Report,
  keys: ReportKeys,
  state: DeliveryState | undefined,
): Promise<Record<string, ChannelOutcome>> {
  const outcomes: Record<string, ChannelOutcome> = {};
  const plans: ChannelPlan[] = [];
  for (const notifier of deps.notifiers) {
    const mark = state?.channels[notifier.channel];
    if (mark?.runId === report.runId) {
      plans.push({ notifier, view: report, sentBefore: true });
      continue;
    }
    const view = await channelView(deps, report, mark);
    const decision = notificationFor(view, notifier.policy);
    plans.push({ notifier, view, sentBefore: false, ...(decision ? { decision } : {}) });
  }
  const reportLink = plans.some((plan) => plan.decision) && deps.store.link ? await deps.store.link(keys) : undefined;
  const marks = { ...state?.channels };
  const upToDate = (channel: string): void => {
    marks[channel] = { runId: report.runId, report: keys.report, at: deps.clock.now().toISOString() };
  };
  let unsaved = false;
  for (const plan of plans) {
    const { notifier, view, decision } = plan;
    if (plan.sentBefore) {
      outcomes[notifier.channel] = 'sent-before';
      continue;
    }
    if (!decision) {
      outcomes[notifier.channel] = 'nothing-new';
      upToDate(notifier.channel);
      unsaved = true;
      continue;
    }
    try {
      const receipt = await notifier.deliver(view, decision, {
        keys,
        ...(reportLink ? { url: reportLink.url, urlExpiresAt: reportLink.expiresAt } : {}),
      });
      deps.log.info(`${notifier.channel} notified`, { cluster: report.cluster, channel: notifier.channel, ...receipt });
      outcomes[notifier.channel] = 'sent';
    } catch (error) {
      deps.log.error(`${notifier.channel} notification failed`, {
        cluster: report.cluster,
        channel: notifier.channel,
        error: describeError(error),
        cause: causeOf(error),
      });
      deps.metrics.count(`${notifier.channel}Failures`, 1);
      outcomes[notifier.channel] = 'failed';
      continue;
    }
    upToDate(notifier.channel);
    // At once: the window in which a crash makes this message go out twice is this one write.
    if (deps.ledger && state) await deps.ledger.write({ ...state, channels: marks });
    unsaved = false;
  }
  if (unsaved && deps.ledger && state) await deps.ledger.write({ ...state, channels: marks });
  return outcomes;
}

/** The report with its history against the last report this channel is up to date with, when that is an older one. */
async function channelView(deps: RunClusterDeps, report: Report, mark: ChannelMark | undefined): Promise<Report> {
  if (!mark || mark.runId === report.history?.previousRunId) return report;
  const missedSince = mark.report ? await deps.store.get(report.cluster, mark.report) : undefined;
  if (mark.report && !missedSince) {
    deps.log.warn('the last report this channel had is gone; it is told what is new since the previous report', {
      cluster: report.cluster,
      key: mark.report,
    });
    return report;
  }
  deps.log.info('this channel missed news: it is told what changed since the last report it had', {
    cluster: report.cluster,
    since: mark.runId ?? 'nothing',
  });
  return applyHistory(report, missedSince);
}
