import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/index.ts';
import { DEFAULT_RENDERER_SETTINGS } from '../../../lib/render/index.ts';
import type { NotificationDecision } from '../../../lib/notify/decide.ts';
import { FINISH_RESERVE_MS, runCluster } from '../../../lib/pipeline/run-cluster.ts';
import type { ClusterRun, Notifier, ReportStore, RunClusterDeps } from '../../../lib/pipeline/run-cluster.ts';
import type { Report } from '../../../lib/report/report.ts';
import { reportKeys } from '../../../lib/store/layout.ts';
import { WALL, snapshotText, tree } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'driftwatch-run-cluster-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DECLARED = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: strict}\n';
const snapshotPath = join(scratch, 'live.json');
writeFileSync(
  snapshotPath,
  snapshotText([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'lax' } }], {
    'driftwatch.io/captured-kinds': 'ConfigMap',
  }),
);

const CLUSTER: ClusterRun = { name: 'shop', sourcePath: '.', access: { type: 'snapshot', path: snapshotPath }, includeSecrets: false };

/** A store in memory that keeps the order of what was written, as the run path's guarantees are about order. */
function memoryStore(failOn?: 'putReport' | 'putLatest'): ReportStore & { writes: string[]; latestReport?: Report } {
  const store: ReportStore & { writes: string[]; latestReport?: Report } = {
    writes: [],
    latest: async () => (store.latestReport ? { report: store.latestReport } : {}),
    putReport: async (report) => {
      if (failOn === 'putReport') throw new Error('store refused the report', { cause: new Error('SlowDown') });
      store.writes.push(`report ${report.runId}`);
      return reportKeys(report.cluster, report.generatedAt, report.runId);
    },
    putLatest: async (report) => {
      if (failOn === 'putLatest') throw new Error('store refused latest');
      store.writes.push(`latest ${report.runId}`);
      store.latestReport = report;
    },
  };
  return store;
}

function recordingNotifier(channel: string, writes: string[], fail = false): Notifier & { told: NotificationDecision[] } {
  const told: NotificationDecision[] = [];
  return {
    channel,
    policy: {},
    told,
    deliver: async (report, decision) => {
      if (fail) throw new Error(`${channel} answered 500`);
      told.push(decision);
      writes.push(`${channel} ${report.runId}`);
      return {};
    },
  };
}

function deps(overrides: Partial<RunClusterDeps> & { store: ReportStore }): RunClusterDeps & { logged: string[]; counted: string[] } {
  const logged: string[] = [];
  const counted: string[] = [];
  return {
    settings: { renderer: DEFAULT_RENDERER_SETTINGS, drift: {}, checks: { config: structuredClone(DEFAULT_CHECKS_CONFIG), exemptions: [] } },
    source: { location: 'repo.tar.gz', open: async () => tree({ 'settings.yaml': DECLARED }, 'repo.tar.gz') },
    live: {},
    notifiers: [],
    clock: { now: () => WALL },
    log: { info: () => {}, warn: (message) => logged.push(`warn ${message}`), error: (message, extra) => logged.push(`error ${message} ${JSON.stringify(extra)}`) },
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
    const outcome = await runCluster(deps({ store, notifiers: [sns] }), CLUSTER, 'run-1');
    expect(outcome.report.drift).toMatchObject([{ kind: 'ConfigMap', status: 'modified', history: 'new' }]);
    expect(store.writes).toEqual(['report run-1', 'SNS run-1', 'latest run-1']);
    expect(outcome.channels).toEqual({ SNS: 'sent' });
  });

  test('a source that cannot be read gives an error report that is stored and notified', async () => {
    const store = memoryStore();
    const slack = recordingNotifier('Slack', store.writes);
    const run = deps({ store, notifiers: [slack], source: { location: 'repo.tar.gz', open: async () => Promise.reject(new Error('HTTP 401 from the Git host')) } });
    const outcome = await runCluster(run, CLUSTER, 'run-1');
    expect(outcome.report.scan).toMatchObject({ complete: false, error: 'source cannot be read: HTTP 401 from the Git host' });
    expect(outcome.report.source.location).toBe('repo.tar.gz');
    expect(slack.told[0]?.incomplete?.error).toBe('source cannot be read: HTTP 401 from the Git host');
    expect(store.writes).toEqual(['report run-1', 'Slack run-1', 'latest run-1']);
  });

  test('an audit still running when the time kept for finishing begins ends in an incomplete report, not in silence', async () => {
    const store = memoryStore();
    const outcome = await runCluster(deps({ store, clock: { now: () => WALL, remainingMs: () => FINISH_RESERVE_MS - 1 } }), CLUSTER, 'run-1');
    expect(outcome.report.scan.error).toMatch(/did not finish in time/);
    expect(store.writes).toEqual(['report run-1', 'latest run-1']);
  });

  test('a channel that fails holds up neither the other channel nor latest, and is logged with its cause and counted', async () => {
    const store = memoryStore();
    const run = deps({ store, notifiers: [recordingNotifier('Slack', store.writes, true), recordingNotifier('SNS', store.writes)] });
    const outcome = await runCluster(run, CLUSTER, 'run-1');
    expect(outcome.channels).toEqual({ Slack: 'failed', SNS: 'sent' });
    expect(store.writes).toEqual(['report run-1', 'SNS run-1', 'latest run-1']);
    expect(run.logged.join('\n')).toContain('error Slack notification failed {"cluster":"shop","channel":"Slack","error":"Slack answered 500"}');
    expect(run.counted).toContain('SlackFailures=1');
  });

  test('a store that refuses the report makes the run fail (the caller retries it) before anything is told', async () => {
    const store = memoryStore('putReport');
    const sns = recordingNotifier('SNS', store.writes);
    await expect(runCluster(deps({ store, notifiers: [sns] }), CLUSTER, 'run-1')).rejects.toThrow('store refused the report');
    expect(store.writes).toEqual([]);
  });

  test('the second run compares with the first: persisting, and nothing to tell', async () => {
    const store = memoryStore();
    const sns = recordingNotifier('SNS', store.writes);
    await runCluster(deps({ store, notifiers: [sns] }), CLUSTER, 'run-1');
    const second = await runCluster(deps({ store, notifiers: [sns] }), CLUSTER, 'run-2');
    expect(second.report.drift[0]?.history).toBe('persisting');
    expect(second.channels).toEqual({ SNS: 'nothing-new' });
  });
});
