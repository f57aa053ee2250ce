import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import { eventRecords, latestEvent } from './event-records.ts';
import type { EventRecord } from './event-records.ts';
import type { CheckDefinition } from './definition.ts';
import { EVENT, POD } from './definition.ts';
import { at, records, text, timeOf } from './field-readers.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';
import { excerpt, formatAge } from './message-text.ts';
import { containerStates, stuckCheck } from './pod-containers.ts';

export const podPending: CheckDefinition<'pod-pending'> = {
  id: 'pod-pending',
  severity: 'high',
  title: 'Pod Pending longer than the threshold',
  firesOn:
    'Pod Pending longer than `checks.podPending.minutes` (10), with the latest FailedScheduling reason; not when a container is already stuck (above)',
  reads: [POD, EVENT],
  run: (context) => pendingFindings(context),
};

/**
 * pod-pending: Pods Pending longer than the threshold. A Pending pod whose container is already reported as
 * stuck (image pull, config error) is left out: that finding names the cause.
 */
function pendingFindings(context: CheckContext): CheckFinding[] {
  const limit = context.config.podPending.minutes * 60_000;
  const events = eventRecords(context);
  return context.ofKind('', 'Pod').flatMap((pod) => {
    const created = timeOf(pod.metadata['creationTimestamp']);
    if (at(pod, 'status', 'phase') !== 'Pending' || created === undefined) return [];
    const age = context.now - created;
    if (age <= limit || containerStates(pod).some((state) => stuckCheck(state) !== undefined)) return [];
    return [pendingFinding(pod, age, context.config.podPending.minutes, events)];
  });
}

function pendingFinding(pod: KubeObject, age: number, minutes: number, events: readonly EventRecord[]): CheckFinding {
  const subject = subjectOf(pod);
  const { name, namespace = 'default' } = pod.metadata;
  const cause = schedulingCause(pod, events);
  return finding(podPending, subject, {
    message: `${describe(subject)} has been Pending for ${formatAge(age)} (threshold ${minutes} min)${cause ? `: ${cause}` : ''}`,
    remediation: `kubectl describe pod ${name} -n ${namespace} — read its Events (FailedScheduling: free capacity, fix node selectors, affinity, tolerations or PVC binding)`,
    evidence: { pendingMinutes: Math.floor(age / 60_000), ...(cause !== undefined && { cause }) },
  });
}

/** Why the scheduler could not place it: the latest FailedScheduling event, else the PodScheduled condition. */
function schedulingCause(pod: KubeObject, events: readonly EventRecord[]): string | undefined {
  const event = latestEvent(events, subjectOf(pod), 'FailedScheduling');
  if (event !== undefined && event.message !== '') return `FailedScheduling: ${excerpt(event.message)}`;
  const condition = records(at(pod, 'status', 'conditions')).find(
    (entry) => entry['type'] === 'PodScheduled' && entry['status'] === 'False',
  );
  const reason = text(condition?.['reason']);
  const message = text(condition?.['message']);
  if (reason === undefined && message === undefined) return undefined;
  return [reason, message && excerpt(message)].filter((part) => part !== undefined && part !== '').join(': ');
}
