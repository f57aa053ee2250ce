import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/index.ts';
import { DEFAULT_RENDERER_SETTINGS } from '../../../lib/render/index.ts';
import type { NotificationDecision } from '../../../lib/notify/decide.ts';
import { FINISH_RESERVE_MS, runCluster } from '../../../lib/pipeline/run-cluster.ts';
import type {
  ClusterRun,
  ClusterRunOutcome,
  Notifier,
  ReportStore,
  RunClusterDeps,
} from '../../../lib/pipeline/run-cluster.ts';
import type { DeliveryLedger, DeliveryState } from '../../../lib/pipeline/delivery.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import type { Report } from '../../../lib/report/report.ts';
import { reportKeys } from '../../../lib/store/layout.ts';
import { WALL, snapshotText, tree } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'driftwatch-run-cluster-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DECLARED = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: strict}\n';
const snapshotPath = join(scratch, 'live.json');
writeFileSync(
  snapshotPath,
  snapshotText(
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'lax' } }],
    {
      'driftwatch.io/captured-kinds': 'ConfigMap',
    },
  ),
);

const CLUSTER: ClusterRun = {
  name: 'shop',
  sourcePath: '.',
  access: { type: 'snapshot', path: snapshotPath },
  includeSecrets: false,
};

type MemoryStore = ReportStore & {
  writes: string[];
  dated: Map<string, Report>;
  latestReport?: Report;
  failLatest: number;
};

/** A store in memory that keeps the order of what was written, as the run path's guarantees are about order. */
function memoryStore(failOn?: 'putReport'): MemoryStore {
  const store: MemoryStore = {
    writes: [],
    dated: new Map(),
    failLatest: 0,
    latest: async () => (store.latestReport ? { report: store.latestReport } : {}),
    get: async (_cluster, key) => store.dated.get(key),
    keysOf: (report) => reportKeys(report.cluster, report.generatedAt, report.runId),
    putReport: async (report) => {
      if (failOn === 'putReport') throw new Error('store refused the report', { cause: new Error('SlowDown') });
      store.writes.push(`report ${report.runId}`);
      const keys = store.keysOf(report);
      store.dated.set(keys.report, report);
      return keys;
    },
    putLatest: async (report) => {
      if (store.failLatest > 0) {
        store.failLatest -= 1;
        throw new Error('killed before latest');
      }
      store.writes.push(`latest ${report.runId}`);
      store.latestReport = report;
    },
  };
  return store;
}

function memoryLedger(): DeliveryLedger & { state?: DeliveryState } {
  const ledger: DeliveryLedger & { state?: DeliveryState } = {
    read: async () => (ledger.state ? structuredClone(ledger.state) : undefined),
    write: async (state) => {
      ledger.state = structuredClone(state);
    },
  };
  return ledger;
}

/** The outcome of a run that was not dropped as stale. */
function done(outcome: ClusterRunOutcome): Exclude<ClusterRunOutcome, { status: 'stale' }> {
  if (outcome.status === 'stale') throw new Error(`unexpectedly stale: later run ${outcome.later.runId}`);
  return outcome;
}

type RecordingNotifier = Notifier & { told: NotificationDecision[]; failures: number };

/** A channel that records what it was told, and fails the next `failures` messages (Infinity: always). */
function recordingNotifier(channel: string, writes: string[], failures = 0): RecordingNotifier {
  const notifier: RecordingNotifier = {
    channel,
    policy: {},
    told: [],
    failures,
    deliver: async (report, decision) => {
      if (notifier.failures > 0) {
        notifier.failures -= 1;
        throw new Error(`${channel} answered 500`);
      }
      notifier.told.push(decision);
      writes.push(`${channel} ${report.runId}`);
      return {};
    },
  };
  return notifier;
}

function deps(
  overrides: Partial<RunClusterDeps> & { store: ReportStore },
): RunClusterDeps & { logged: string[]; counted: string[] } {
  const logged: string[] = [];
  const counted: string[] = [];
  return {
    settings: {
      renderer: DEFAULT_RENDERER_SETTINGS,
      drift: {},
      checks: { config: structuredClone(DEFAULT_CHECKS_CONFIG), exemptions: [] },
    },
    source: { location: 'repo.tar.gz', open: async () => tree({ 'settings.yaml': DECLARED }, 'repo.tar.gz') },
    live: {},
    notifiers: [],
    clock: { now: () => WALL },
    log: {
      info: () => {},
      warn: (message) => logged.push(`warn ${message}`),
      error: (message, extra) => logged.push(`error ${message} ${JSON.stringify(extra)}`),
    },
    metrics: { count: (name, value) => counted.push(`${name}=${value}`), milliseconds: () => {} },
    logged,
    counted,
    ...overrides,
  };
}

describe('one cluster run (the CLI and the Lambda share it)', () => {
  test('stores the dated report, notifies, and writes latest last', async () => {
    const store = memoryStore();
    const sns = recordingNotifier('SNS', store.writes);
    const outcome = done(await runCluster(deps({ store, notifiers: [sns] }), CLUSTER, { runId: 'run-1' }));
    expect(outcome.report.drift).toMatchObject([{ kind: 'ConfigMap', status: 'modified', history: 'new' }]);
    expect(store.writes).toEqual(['report run-1', 'SNS run-1', 'latest run-1']);
    expect(outcome.channels).toEqual({ SNS: 'sent' });
  });

  test('a source that cannot be read gives an error report that is stored and notified', async () => {
    const store = memoryStore();
    const slack = recordingNotifier('Slack', store.writes);
    const run = deps({
      store,
      notifiers: [slack],
      source: { location: 'repo.tar.gz', open: async () => Promise.reject(new Error('HTTP 401 from the Git host')) },
    });
    const outcome = done(await runCluster(run, CLUSTER, { runId: 'run-1' }));
    expect(outcome.report.scan).toMatchObject({
      complete: false,
      error: 'source cannot be read: HTTP 401 from the Git host',
    });
    expect(outcome.report.source.location).toBe('repo.tar.gz');
    expect(slack.told[0]?.incomplete?.error).toBe('source cannot be read: HTTP 401 from the Git host');
    expect(store.writes).toEqual(['report run-1', 'Slack run-1', 'latest run-1']);
  });

  test('an audit still running when the time kept for finishing begins ends in an incomplete report, not in silence', async () => {
    const store = memoryStore();
    const outcome = done(
      await runCluster(deps({ store, clock: { now: () => WALL, remainingMs: () => FINISH_RESERVE_MS - 1 } }), CLUSTER, {
        runId: 'run-1',
      }),
    );
    expect(outcome.report.scan.error).toMatch(/did not finish in time/);
    expect(store.writes).toEqual(['report run-1', 'latest run-1']);
  });

  test('a channel that fails holds up neither the other channel nor latest, and is logged with its cause and counted', async () => {
    const store = memoryStore();
    const run = deps({
      store,
      notifiers: [
        recordingNotifier('Slack', store.writes, Number.POSITIVE_INFINITY),
        recordingNotifier('SNS', store.writes),
      ],
    });
    const outcome = done(await runCluster(run, CLUSTER, { runId: 'run-1' }));
    expect(outcome.channels).toEqual({ Slack: 'failed', SNS: 'sent' });
    expect(store.writes).toEqual(['report run-1', 'SNS run-1', 'latest run-1']);
    expect(run.logged.join('\n')).toContain(
      'error Slack notification failed {"cluster":"shop","channel":"Slack","error":"Slack answered 500"}',
    );
    expect(run.counted).toContain('SlackFailures=1');
  });

  test('a store that refuses the report makes the run fail (the caller retries it) before anything is told', async () => {
    const store = memoryStore('putReport');
    const sns = recordingNotifier('SNS', store.writes);
    await expect(runCluster(deps({ store, notifiers: [sns] }), CLUSTER, { runId: 'run-1' })).rejects.toThrow(
      'store refused the report',
    );
    expect(store.writes).toEqual([]);
  });

  test('the second run compares with the first: persisting, and nothing to tell', async () => {
    const store = memoryStore();
    const sns = recordingNotifier('SNS', store.writes);
    done(await runCluster(deps({ store, notifiers: [sns] }), CLUSTER, { runId: 'run-1' }));
    const second = done(await runCluster(deps({ store, notifiers: [sns] }), CLUSTER, { runId: 'run-2' }));
    expect(second.report.drift[0]?.history).toBe('persisting');
    expect(second.channels).toEqual({ SNS: 'nothing-new' });
  });
});

const TWO_DECLARED = `${DECLARED}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: shop}\ndata: {beta: 'off'}\n`;

/** The cluster with these live values of the two ConfigMaps (a snapshot file per state). */
function liveCluster(settingsMode: string, beta: string): ClusterRun {
  const path = join(scratch, `live-${settingsMode}-${beta}.json`);
  const configMap = (name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'shop' },
    data,
  });
  writeFileSync(
    path,
    snapshotText([configMap('settings', { mode: settingsMode }), configMap('flags', { beta })], {
      'driftwatch.io/captured-kinds': 'ConfigMap',
    }),
  );
  return { ...CLUSTER, access: { type: 'snapshot', path } };
}

describe('delivery state: nothing lost, nothing sent twice', () => {
  const twoFiles = {
    location: 'repo.tar.gz',
    open: async () => tree({ 'settings.yaml': TWO_DECLARED }, 'repo.tar.gz'),
  };

  test('the same message handled twice tells no channel twice and makes no second history step', async () => {
    const store = memoryStore();
    const ledger = memoryLedger();
    const sns = recordingNotifier('SNS', store.writes);
    const slack = recordingNotifier('Slack', store.writes);
    const run = deps({ store, ledger, notifiers: [sns, slack], source: twoFiles });
    const first = done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-1' }));
    const again = done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-1' }));
    expect(first.status).toBe('audited');
    expect(again).toMatchObject({ status: 'resumed', channels: { SNS: 'sent-before', Slack: 'sent-before' } });
    expect(again.report).toEqual(first.report);
    expect(store.writes).toEqual(['report run-1', 'SNS run-1', 'Slack run-1', 'latest run-1', 'latest run-1']);
  });

  test('killed between notify and latest: the retry writes latest and tells nobody again', async () => {
    const store = memoryStore();
    const ledger = memoryLedger();
    const sns = recordingNotifier('SNS', store.writes);
    const run = deps({ store, ledger, notifiers: [sns], source: twoFiles });
    store.failLatest = 1;
    await expect(runCluster(run, liveCluster('lax', 'off'), { runId: 'run-1' })).rejects.toThrow(
      'killed before latest',
    );
    const retried = done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-1' }));
    expect(retried).toMatchObject({ status: 'resumed', channels: { SNS: 'sent-before' } });
    expect(store.latestReport?.runId).toBe('run-1');
    const next = done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-2' }));
    expect(next.report.history?.previousRunId).toBe('run-1');
    expect(next.channels).toEqual({ SNS: 'nothing-new' });
    expect(store.writes).toEqual(['report run-1', 'SNS run-1', 'latest run-1', 'report run-2', 'latest run-2']);
  });

  test('after a run that never wrote latest (its message went to the DLQ), history goes on from the report it stored', async () => {
    const store = memoryStore();
    const ledger = memoryLedger();
    const sns = recordingNotifier('SNS', store.writes);
    const run = deps({ store, ledger, notifiers: [sns], source: twoFiles });
    done(await runCluster(run, liveCluster('strict', 'off'), { runId: 'run-1' }));
    store.failLatest = 3;
    for (let receive = 0; receive < 3; receive++)
      await expect(runCluster(run, liveCluster('lax', 'off'), { runId: 'run-2' })).rejects.toThrow(
        'killed before latest',
      );
    const next = done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-3' }));
    expect(next.report.history?.previousRunId).toBe('run-2');
    expect(next.report.drift[0]?.history).toBe('persisting');
    expect(next.channels).toEqual({ SNS: 'nothing-new' });
    expect(sns.told).toHaveLength(1);
  });

  test('a channel that failed is told what it missed on the next run, merged with the new news, and then nothing', async () => {
    const store = memoryStore();
    const ledger = memoryLedger();
    const sns = recordingNotifier('SNS', store.writes);
    const slack = recordingNotifier('Slack', store.writes, 1);
    const run = deps({ store, ledger, notifiers: [sns, slack], source: twoFiles });
    const first = done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-1' }));
    expect(first.channels).toEqual({ SNS: 'sent', Slack: 'failed' });
    const second = done(await runCluster(run, liveCluster('lax', 'on'), { runId: 'run-2' }));
    expect(second.channels).toEqual({ SNS: 'sent', Slack: 'sent' });
    const named = (decision: NotificationDecision | undefined): string[] =>
      (decision?.newDrift ?? []).map((item) => item.entry.name).sort();
    expect(named(sns.told[1])).toEqual(['flags']);
    expect(named(slack.told[0])).toEqual(['flags', 'settings']);
    const third = done(await runCluster(run, liveCluster('lax', 'on'), { runId: 'run-3' }));
    expect(third.channels).toEqual({ SNS: 'nothing-new', Slack: 'nothing-new' });
    expect(slack.told).toHaveLength(1);
  });

  test('news that came and went while a channel was failing is not told to it at all', async () => {
    const store = memoryStore();
    const ledger = memoryLedger();
    const slack = recordingNotifier('Slack', store.writes);
    const run = deps({ store, ledger, notifiers: [slack], source: twoFiles });
    done(await runCluster(run, liveCluster('strict', 'off'), { runId: 'run-1' }));
    slack.failures = 1;
    expect(done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-2' })).channels).toEqual({
      Slack: 'failed',
    });
    expect(done(await runCluster(run, liveCluster('strict', 'off'), { runId: 'run-3' })).channels).toEqual({
      Slack: 'nothing-new',
    });
    expect(slack.told).toHaveLength(0);
  });

  test('a late message of an earlier run, after a later run stored its report, is dropped without a report', async () => {
    const store = memoryStore();
    const ledger = memoryLedger();
    const run = deps({ store, ledger, notifiers: [recordingNotifier('SNS', store.writes)], source: twoFiles });
    done(await runCluster(run, liveCluster('lax', 'off'), { runId: 'run-2', scheduledAt: '2026-05-11T12:00:00Z' }));
    const late = await runCluster(run, liveCluster('lax', 'off'), {
      runId: 'run-1',
      scheduledAt: '2026-05-11T11:00:00Z',
    });
    expect(late).toMatchObject({ status: 'stale', later: { runId: 'run-2' } });
    expect(store.writes).toEqual(['report run-2', 'SNS run-2', 'latest run-2']);
  });
});
