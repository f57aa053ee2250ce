import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { fileAuditLog, parseAuditLines, readAuditLogFiles, withActors } from '../../../lib/auditlog/index.ts';
import { AuditIndex, attributeDrift, findWrite, sameTool } from '../../../lib/auditlog/match.ts';
import { ResourceNames } from '../../../lib/auditlog/resources.ts';
import { cloudWatchAuditLog } from '../../../lib/aws/cloudwatch-audit-log.ts';
import type { DriftEntry } from '../../../lib/diff/drift.ts';
import type { Report } from '../../../lib/report/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftwatch-auditlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface EventSpec {
  id: string;
  verb?: string;
  user?: string;
  as?: string;
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  at: string;
  code?: number;
  stage?: string;
  fieldManager?: string;
  userAgent?: string;
}

/** One line as kube-apiserver writes it (with bodies, as at RequestResponse level: they must never be copied). */
function line(spec: EventSpec): string {
  const received = new Date(Date.parse(spec.at) - 3).toISOString().replace('Z', '123Z');
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: spec.id,
    stage: spec.stage ?? 'ResponseComplete',
    requestURI: `/apis/apps/v1/namespaces/shop/deployments/web${spec.fieldManager ? `?fieldManager=${spec.fieldManager}` : ''}`,
    verb: spec.verb ?? 'patch',
    user: { username: spec.user ?? 'alice@example.com', uid: 'u-1', groups: ['devs', 'system:authenticated'] },
    ...(spec.as ? { impersonatedUser: { username: spec.as, groups: ['system:masters'] } } : {}),
    sourceIPs: ['10.0.0.7'],
    userAgent: spec.userAgent ?? 'kubectl/v1.34.4 (linux/amd64) kubernetes/abc',
    objectRef: {
      resource: spec.resource ?? 'deployments',
      namespace: spec.namespace ?? 'shop',
      name: spec.name ?? 'web',
      apiGroup: spec.group ?? 'apps',
      apiVersion: 'v1',
      ...(spec.subresource ? { subresource: spec.subresource } : {}),
    },
    responseStatus: { metadata: {}, code: spec.code ?? 200 },
    requestObject: { secret: 'hunter2-request' },
    responseObject: { secret: 'hunter2-response' },
    requestReceivedTimestamp: received,
    stageTimestamp: spec.at.replace('Z', '456Z'),
  });
}

const deployment = (changes: DriftEntry['changes']): DriftEntry => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  status: 'modified',
  changes,
});

describe('reading audit logs', () => {
  test('only completed 2xx writes are kept; bodies are never copied; malformed lines are counted and skipped', () => {
    const text = [
      line({ id: 'a', at: '2026-11-20T10:02:11.000Z' }),
      'not json',
      '{"kind":"Event"}',
      line({ id: 'b', at: '2026-11-20T10:02:12.000Z', stage: 'ResponseStarted' }),
      line({ id: 'c', at: '2026-11-20T10:02:12.000Z', code: 409 }),
      line({ id: 'd', at: '2026-11-20T10:02:12.000Z', verb: 'get' }),
      '',
    ].join('\n');
    const read = parseAuditLines(text);
    expect(read.malformed).toBe(2);
    expect(read.skipped).toBe(3);
    expect(read.events.map((event) => event.auditId)).toEqual(['a']);
    expect(JSON.stringify(read)).not.toContain('hunter2');
    expect(read.events[0]).toMatchObject({
      verb: 'patch',
      objectRef: { group: 'apps', resource: 'deployments', namespace: 'shop', name: 'web' },
      sourceIPs: ['10.0.0.7'],
    });
  });

  test('plain and gzipped rotated files are read in order as one log', async () => {
    const rotated = join(dir, 'audit-2026-11-20T10-00-00.000.log.gz');
    const current = join(dir, 'audit.log');
    writeFileSync(rotated, gzipSync(`${line({ id: 'old', at: '2026-11-20T09:00:00.000Z' })}\n{broken\n`));
    writeFileSync(current, `${line({ id: 'new', at: '2026-11-20T10:00:00.000Z' })}\n`);
    const read = await readAuditLogFiles([rotated, current]);
    expect(read.events.map((event) => event.auditId)).toEqual(['old', 'new']);
    expect(read.malformed).toBe(1);
    expect(fileAuditLog([rotated, current]).describe).toBe('file audit-2026-11-20T10-00-00.000.log.gz, audit.log');
  });
});

describe('matching drift to audit events', () => {
  const events = parseAuditLines(
    [
      line({ id: 'apply', user: 'ci-bot', at: '2026-11-20T10:00:00.000Z', fieldManager: 'argocd-controller' }),
      line({
        id: 'edit',
        user: 'admin',
        as: 'alice@example.com',
        at: '2026-11-20T10:02:11.000Z',
        fieldManager: 'kubectl-edit',
        verb: 'update',
      }),
      line({
        id: 'same-second-other-tool',
        user: 'mallory',
        at: '2026-11-20T10:02:11.000Z',
        fieldManager: 'kubectl-set',
      }),
      line({ id: 'scale', user: 'bob', at: '2026-11-20T10:05:00.000Z', subresource: 'scale' }),
      line({
        id: 'scale-by-operator',
        user: 'system:serviceaccount:ops:scaler',
        at: '2026-11-20T10:06:00.000Z',
        subresource: 'scale',
        userAgent: 'scaler/1.0',
      }),
      line({
        id: 'create',
        user: 'erin',
        at: '2026-11-20T08:00:00.000Z',
        verb: 'create',
        resource: 'configmaps',
        group: '',
        name: 'doomed',
      }),
      line({
        id: 'delete',
        user: 'dave',
        at: '2026-11-20T11:00:00.000Z',
        verb: 'delete',
        resource: 'configmaps',
        group: '',
        name: 'doomed',
      }),
      line({
        id: 'policy',
        user: 'frank',
        at: '2026-11-20T07:00:00.000Z',
        verb: 'create',
        resource: 'networkpolicies',
        group: 'networking.k8s.io',
        name: 'open',
      }),
    ].join('\n'),
  ).events;
  const index = new AuditIndex(events);
  const resources = new ResourceNames();

  test('the tool: the request fieldManager when named, else the user agent program', () => {
    expect(sameTool('kubectl-edit', { fieldManager: 'kubectl-edit' })).toBe(true);
    expect(sameTool('kubectl-edit', { fieldManager: 'kubectl-set', userAgent: 'kubectl/v1' })).toBe(false);
    expect(sameTool('kubectl-edit', { userAgent: 'kubectl/v1.34.4 (linux/amd64)' })).toBe(true);
    expect(sameTool('kubectl', { userAgent: 'kubectl/v1.34.4' })).toBe(true);
    expect(sameTool('kubectl-edit', { userAgent: 'helm/v4' })).toBe(false);
    expect(sameTool('my-operator', {})).toBe(true);
  });

  test('a change gets the event at its managedFields time, of its tool; impersonation names the person', () => {
    const { drift, matched, unmatched } = attributeDrift(
      [
        deployment([
          {
            path: '/spec/template/spec/containers/name=web/env',
            reason: 'live-only',
            manager: 'kubectl-edit',
            operation: 'Update',
            time: '2026-11-20T10:02:11Z',
          },
        ]),
      ],
      index,
      resources,
    );
    expect({ matched, unmatched }).toEqual({ matched: 1, unmatched: 0 });
    expect(drift[0]?.changes?.[0]?.actor).toEqual({
      username: 'alice@example.com',
      groups: ['system:masters'],
      impersonatedBy: 'admin',
      sourceIPs: ['10.0.0.7'],
      userAgent: 'kubectl/v1.34.4 (linux/amd64) kubernetes/abc',
      verb: 'update',
      time: '2026-11-20T10:02:11.000456Z',
      auditId: 'edit',
    });
  });

  test('outside the tolerance, or another tool, is no match', () => {
    const at = (time: string, manager = 'kubectl-edit') =>
      findWrite(index, {
        ref: { group: 'apps', resource: 'deployments', namespace: 'shop', name: 'web' },
        verbs: ['update', 'patch'],
        manager,
        time,
      });
    expect(at('2026-11-20T10:02:13Z')?.auditId).toBe('edit');
    expect(at('2026-11-20T10:02:20Z')).toBeUndefined();
    expect(at('2026-11-20T10:02:11Z', 'helm')).toBeUndefined();
  });

  test('a subresource write without a time gets the last write of its tool through that subresource', () => {
    const { drift } = attributeDrift(
      [
        deployment([
          { path: '/spec/replicas', reason: 'differs', manager: 'kubectl', operation: 'Update', subresource: 'scale' },
        ]),
      ],
      index,
      resources,
    );
    expect(drift[0]?.changes?.[0]?.actor).toMatchObject({ username: 'bob', auditId: 'scale' });
  });

  test('missing: the delete; extra: the create; kinds become resources; what is not found is counted', () => {
    const { drift, matched, unmatched } = attributeDrift(
      [
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'doomed', status: 'missing' },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          namespace: 'shop',
          name: 'open',
          status: 'extra',
          manager: 'kubectl-create',
          time: '2026-11-20T07:00:00Z',
        },
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'never-deleted', status: 'missing' },
      ],
      index,
      resources,
    );
    expect(drift.map((entry) => entry.actor?.username)).toEqual(['dave', 'frank', undefined]);
    expect(drift[0]?.actor?.verb).toBe('delete');
    expect({ matched, unmatched }).toEqual({ matched: 2, unmatched: 1 });
  });

  test('resource names: discovery first, then irregular built-ins, then the plural', () => {
    const names = new ResourceNames([
      { group: 'demo.dev', version: 'v1', resource: 'widgetz', kind: 'Widget', status: 'listed', count: 0 },
    ]);
    expect(names.resourceOf('demo.dev', 'Widget')).toBe('widgetz');
    expect(names.resourceOf('', 'Endpoints')).toBe('endpoints');
    expect(names.resourceOf('networking.k8s.io', 'Ingress')).toBe('ingresses');
    expect(names.resourceOf('networking.k8s.io', 'NetworkPolicy')).toBe('networkpolicies');
    expect(names.resourceOf('', 'ConfigMap')).toBe('configmaps');
  });
});

const NO_LIVE = { lists: [], objects: [] };

describe('scan.auditLog', () => {
  const report = {
    drift: [],
    findings: [],
    scan: { complete: true, lists: [], unverified: [], withoutManagedFields: 0 },
  } as unknown as Report;

  test('not configured, an empty log, a log that cannot be read', async () => {
    expect((await withActors(report, undefined, NO_LIVE)).scan.auditLog).toEqual({ source: 'not configured' });
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    expect((await withActors(report, fileAuditLog([empty]), NO_LIVE)).scan.auditLog).toEqual({
      source: 'file empty.log',
      events: 0,
      matched: 0,
      unmatched: 0,
      reason: 'no events in window',
    });
    const absent = (await withActors(report, fileAuditLog([join(dir, 'absent.log')]), NO_LIVE)).scan.auditLog;
    expect(absent).toMatchObject({
      source: 'file absent.log',
      events: 0,
      reason: expect.stringMatching(/^cannot be read: /),
    });
  });
});

describe('CloudWatch Logs reading bound', () => {
  test('a window longer than maxPages says it was cut short', async () => {
    const pages: unknown[] = [];
    const endless = {
      send: (command: unknown): Promise<{ events: Array<{ message: string }>; nextToken: string }> => {
        pages.push(command);
        return Promise.resolve({
          events: [{ message: line({ id: `p${pages.length}`, at: '2026-11-20T10:00:00.000Z' }) }],
          nextToken: 'more',
        });
      },
    };
    const source = cloudWatchAuditLog({
      client: endless as unknown as Parameters<typeof cloudWatchAuditLog>[0]['client'],
      logGroup: '/aws/eks/prod/cluster',
      now: new Date('2026-11-21T00:00:00Z'),
      maxPages: 3,
    });
    const read = await source.read({
      objects: [{ group: 'apps', resource: 'deployments', namespace: 'shop', name: 'web' }],
    });
    expect(pages).toHaveLength(3);
    expect(read.events).toHaveLength(3);
    expect(read.truncated).toBe('read 3 pages of FilterLogEvents and stopped');
    expect((await source.read({ objects: [] })).events).toEqual([]);
  });
});
