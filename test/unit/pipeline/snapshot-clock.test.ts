import { describe, expect, test } from 'vitest';
import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/index.ts';
import { parseSnapshot } from '../../../lib/cluster/snapshot.ts';
import type { ClusterAuditInput } from '../../../lib/pipeline/audit-cluster.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { WALL, auditSnapshot, snapshotText } from './helpers.ts';

/** Ten days before the tests' wall clock. */
const CAPTURED = Date.parse('2026-05-01T12:00:00Z');
const minutesBefore = (minutes: number): string => new Date(CAPTURED - minutes * 60_000).toISOString();

/** What the cluster showed at capture: a pod Pending for 5 min, a CSR pending for 30 min, a fresh FailedScheduling. */
function capturedCluster(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web',
        namespace: 'shop',
        creationTimestamp: minutesBefore(5),
        managedFields: [
          { manager: 'kube-controller-manager', operation: 'Update', time: minutesBefore(5), fieldsV1: {} },
        ],
      },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', lastTransitionTime: minutesBefore(5) }],
      },
    },
    {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'node-csr', creationTimestamp: minutesBefore(30) },
      spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:node:a' },
      status: {},
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'shop', creationTimestamp: minutesBefore(4) },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'shop' },
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available',
      count: 3,
      lastTimestamp: minutesBefore(1),
    },
  ];
}

describe('the snapshot clock', () => {
  test('the newest time the snapshot holds, else its captured-at annotation, else none (wall)', () => {
    expect(parseSnapshot(snapshotText(capturedCluster()), 's.json').clock).toEqual({
      source: 'snapshot',
      at: minutesBefore(1),
    });
    const annotated = snapshotText(capturedCluster(), { 'driftwatch.io/captured-at': '2026-05-01T12:00:00Z' });
    expect(parseSnapshot(annotated, 's.json').clock).toEqual({ source: 'annotation', at: '2026-05-01T12:00:00.000Z' });
    expect(
      parseSnapshot(
        snapshotText([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop' } }]),
        's.json',
      ).clock,
    ).toBeUndefined();
  });

  test('a 10-day-old snapshot is judged at its own time: no 10-day ages, its Warning events are in the window', async () => {
    const report = await auditSnapshot(
      snapshotText(capturedCluster(), { 'driftwatch.io/captured-at': new Date(CAPTURED).toISOString() }),
    );
    expect(report.generatedAt).toBe(WALL.toISOString());
    expect(report.scan).toMatchObject({ clock: 'annotation', observedAt: new Date(CAPTURED).toISOString() });
    const checks = report.findings.map((finding) => finding.check);
    expect(checks).not.toContain('pod-pending');
    expect(checks).not.toContain('csr-pending');
    expect(checks).toContain('event-failed-scheduling');
  });

  test('the events window starts at the previous observation, when that is earlier than this one', async () => {
    const snapshot = snapshotText(capturedCluster(), { 'driftwatch.io/captured-at': new Date(CAPTURED).toISOString() });
    const checksSince = (since: string): Partial<ClusterAuditInput> => ({
      checks: { config: structuredClone(DEFAULT_CHECKS_CONFIG), exemptions: [], since: new Date(since) },
    });
    const afterTheEvent = await auditSnapshot(snapshot, checksSince(minutesBefore(0.5)));
    expect(afterTheEvent.findings.map((finding) => finding.check)).not.toContain('event-failed-scheduling');
    // The same snapshot audited again: the previous observation is this one, which says nothing about its events.
    const sameSnapshot = await auditSnapshot(snapshot, checksSince(minutesBefore(0)));
    expect(sameSnapshot.findings.map((finding) => finding.check)).toContain('event-failed-scheduling');
  });

  test('a snapshot without any time falls back to the wall clock and says so', async () => {
    const report = await auditSnapshot(
      snapshotText([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop' } }]),
    );
    expect(report.scan).toMatchObject({ clock: 'wall', observedAt: WALL.toISOString() });
  });
});
