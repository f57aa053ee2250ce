import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { at, count, record, text } from './field-readers.ts';
import type { Fields } from './field-readers.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';

interface Replicas {
  desired: number;
  available: number;
  /** What `available` counts, for the message. */
  measure: 'available' | 'ready';
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** kubectl's short resource names, as used in `kubectl rollout`. */
const ROLLOUT_RESOURCE: Readonly<Record<string, string>> = {
  Deployment: 'deploy',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
};

/** workload-unavailable: Deployments, StatefulSets and DaemonSets with fewer available/ready pods than desired. */
export const workloadUnavailable: CheckDefinition<'workload-unavailable'> = {
  id: 'workload-unavailable',
  severity: 'high',
  title: 'Deployment/StatefulSet/DaemonSet below its desired replicas',
  firesOn:
    'Deployment available / StatefulSet ready / DaemonSet available below desired; rollback hint from `deployment.kubernetes.io/revision`',
  reads: [
    { group: 'apps', kind: 'Deployment' },
    { group: 'apps', kind: 'StatefulSet' },
    { group: 'apps', kind: 'DaemonSet' },
  ],
  run: (context) => workloadFindings(context),
};

function workloadFindings(context: CheckContext): CheckFinding[] {
  const workloads = [
    ...context.ofKind('apps', 'Deployment'),
    ...context.ofKind('apps', 'StatefulSet'),
    ...context.ofKind('apps', 'DaemonSet'),
  ];
  return workloads.flatMap((workload) => {
    const replicas = replicasOf(workload);
    if (replicas === undefined || replicas.available >= replicas.desired) return [];
    return [unavailableFinding(workload, replicas)];
  });
}

/** Undefined when the object carries no status (read from Git) or one no controller has written yet. */
function replicasOf(workload: KubeObject): Replicas | undefined {
  const status = record(workload['status']);
  if (status === undefined || !isObserved(status)) return undefined;
  // Counters the API server omits when zero read as 0.
  switch (workload.kind) {
    case 'Deployment':
      return {
        desired: count(at(workload, 'spec', 'replicas')) ?? 1,
        available: count(at(status, 'availableReplicas')) ?? 0,
        measure: 'available',
      };
    case 'StatefulSet':
      return {
        desired: count(at(workload, 'spec', 'replicas')) ?? 1,
        available: count(at(status, 'readyReplicas')) ?? 0,
        measure: 'ready',
      };
    default:
      return {
        desired: count(at(status, 'desiredNumberScheduled')) ?? 0,
        available: count(at(status, 'numberAvailable')) ?? 0,
        measure: 'available',
      };
  }
}

/**
 * Until its controller writes the status, the API server serves its defaults: `{}` for a Deployment, zero counters
 * for a StatefulSet or DaemonSet, never an observedGeneration. That says nothing about the pods yet (just created, or
 * the controller is not running), so it is not judged. A controller-written status has observedGeneration.
 */
function isObserved(status: Fields): boolean {
  return (
    count(status['observedGeneration']) !== undefined || Object.values(status).some((value) => (count(value) ?? 0) > 0)
  );
}

function unavailableFinding(workload: KubeObject, replicas: Replicas): CheckFinding {
  const subject = subjectOf(workload);
  const resource = ROLLOUT_RESOURCE[workload.kind] ?? workload.kind.toLowerCase();
  const target = `${resource}/${workload.metadata.name} -n ${workload.metadata.namespace ?? 'default'}`;
  const rollback = previousRevision(workload);
  return finding(workloadUnavailable, subject, {
    message: `${describe(subject)} has ${replicas.available}/${replicas.desired} replicas ${replicas.measure}`,
    remediation:
      `kubectl rollout status ${target}` +
      (rollback === undefined
        ? ''
        : `; if the latest rollout broke it: kubectl rollout undo ${target} --to-revision ${rollback}`),
    evidence: { desired: replicas.desired, [replicas.measure]: replicas.available },
  });
}

/** The revision before the current one, from the Deployment controller's annotation (N > 1 → N - 1). */
function previousRevision(workload: KubeObject): number | undefined {
  if (workload.kind !== 'Deployment') return undefined;
  const revision = Number(text(workload.metadata.annotations?.[REVISION_ANNOTATION]));
  return Number.isInteger(revision) && revision > 1 ? revision - 1 : undefined;
}
