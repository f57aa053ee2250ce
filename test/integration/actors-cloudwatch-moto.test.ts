import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cloudWatchAuditLog, filterPatternFor } from '../../lib/aws/cloudwatch-audit-log.ts';
import { defaultEksLogGroup } from '../../lib/auditlog/log-group.ts';
import { readCluster } from '../../lib/cluster/live.ts';
import { auditCluster } from '../../lib/pipeline/audit-cluster.ts';
import type { Report } from '../../lib/report/report.ts';
import { openSource } from '../../lib/source/open.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';
import { auditLogToCloudWatch, driftAsPeople } from './fixtures/actors.ts';

/**
 * EKS sends the audit log to CloudWatch Logs; here the real kube-apiserver's audit events are put into a log group on
 * moto_server exactly as EKS names it, and the audit reads them back through FilterLogEvents.
 */
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const LOG_GROUP = defaultEksLogGroup('prod');

let world: World;
let workDir: string;
let report: Report;

beforeAll(async () => {
  world = await startWorld({ kube: true, moto: true, slack: false });
  const kube = world.kube;
  if (!kube) throw new Error('no kube-apiserver in the test world');
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-actors-cw-'));
  const source = await driftAsPeople(kube, workDir);
  const logs = new CloudWatchLogsClient({ region: REGION, endpoint: world.env.AWS_ENDPOINT_URL, credentials });
  await auditLogToCloudWatch(logs, LOG_GROUP, kube.auditLog);
  report = await auditCluster({
    cluster: 'prod',
    sourcePath: '.',
    tree: await openSource(source),
    runId: 'cloudwatch',
    readLive: (kinds, namespaces) =>
      readCluster({
        kubeconfigPath: kube.kubeconfig,
        kinds: [...kinds],
        ...(namespaces ? { namespaces: [...namespaces] } : {}),
      }),
    auditLog: cloudWatchAuditLog({ client: logs, logGroup: LOG_GROUP, now: new Date(Date.now() + 60_000) }),
  });
}, 180_000);

afterAll(async () => {
  await world.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('who made each change, from CloudWatch Logs', () => {
  test('the same people as from the file', () => {
    const web = report.drift.find((entry) => entry.name === 'web');
    expect(web?.changes?.map((change) => change.actor?.username).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
    expect(report.drift.find((entry) => entry.name === 'doomed')).toMatchObject({
      status: 'missing',
      actor: { username: 'dave@example.com', impersonatedBy: 'driftwatch-admin' },
    });
    expect(report.drift.find((entry) => entry.name === 'handmade')?.actor?.username).toBe('erin@example.com');
    expect(report.scan.auditLog).toMatchObject({ source: `cloudwatch ${LOG_GROUP}`, unmatched: 0 });
  });

  test('the filter pattern asks for completed writes of the objects in question only', () => {
    const pattern = filterPatternFor({
      objects: [
        { group: 'apps', resource: 'deployments', namespace: 'team', name: 'web' },
        { group: '', resource: 'configmaps', namespace: 'team', name: 'doomed' },
      ],
    });
    expect(pattern).toBe(
      '{ ($.stage = "ResponseComplete") && ($.verb = "create" || $.verb = "update" || $.verb = "patch" || $.verb = "delete") && ($.objectRef.name = "web" || $.objectRef.name = "doomed") }',
    );
    expect(filterPatternFor({ objects: [{ group: '', resource: 'configmaps', name: 'odd"name' }] })).not.toContain(
      'odd',
    );
  });
});
