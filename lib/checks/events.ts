import type { CheckContext } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { EVENT } from './definition.ts';
import type { EventRecord } from './event-records.ts';
import { eventRecords } from './event-records.ts';
import type { CheckFinding, Subject } from './finding.ts';
import { describe, finding, namespaceFlag } from './finding.ts';
import { excerpt } from './message-text.ts';
import type { Severity } from './severity.ts';

/** The event checks share one shape: a Warning reason, grouped per involved object. */
type EventCheckId =
  | 'event-admission-denied'
  | 'event-failed-scheduling'
  | 'event-backoff'
  | 'event-failed-mount'
  | 'event-failed-create';

function eventCheck<Id extends EventCheckId>(
  id: Id,
  severity: Severity,
  title: string,
  firesOn: string,
): CheckDefinition<Id> {
  const check: CheckDefinition<Id> = {
    id,
    severity,
    title,
    firesOn,
    reads: [EVENT],
    run: (context) => eventFindings(context, check),
  };
  return check;
}

export const eventAdmissionDenied = eventCheck(
  'event-admission-denied',
  'high',
  'Admission webhook denied a create',
  'Warning FailedCreate events whose message says "admission webhook" or "denied the request"',
);
export const eventFailedScheduling = eventCheck(
  'event-failed-scheduling',
  'medium',
  'FailedScheduling warning events',
  'Warning FailedScheduling events',
);
export const eventBackoff = eventCheck('event-backoff', 'medium', 'BackOff warning events', 'Warning BackOff events');
export const eventFailedMount = eventCheck(
  'event-failed-mount',
  'medium',
  'FailedMount warning events',
  'Warning FailedMount events',
);
export const eventFailedCreate = eventCheck(
  'event-failed-create',
  'medium',
  'FailedCreate warning events',
  'other Warning FailedCreate events',
);

const CHECK_BY_REASON: Readonly<Record<string, EventCheckId>> = {
  FailedScheduling: 'event-failed-scheduling',
  BackOff: 'event-backoff',
  FailedMount: 'event-failed-mount',
  FailedCreate: 'event-failed-create',
};

/** Controllers report webhook rejections as FailedCreate; these phrases tell them apart. */
const ADMISSION_DENIAL = /admission webhook|denied the request/i;

interface EventGroup {
  check: CheckDefinition<EventCheckId>;
  involved: Subject;
  reason: string;
  count: number;
  latest: EventRecord;
}

/**
 * event-*: Warning events of the check's reason seen inside the window, grouped per involved object with their
 * counts summed, so that a pod failing 40 times is one finding, not 40.
 */
function eventFindings(context: CheckContext, check: CheckDefinition<EventCheckId>): CheckFinding[] {
  const groups = new Map<string, EventGroup>();
  for (const event of eventRecords(context)) {
    if (checkOf(event) !== check.id || event.type !== 'Warning' || !inWindow(event, context)) continue;
    const key = [event.involved.kind, event.involved.namespace ?? '', event.involved.name].join('\u0000');
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, { check, involved: event.involved, reason: event.reason, count: event.count, latest: event });
    else {
      group.count += event.count;
      if ((event.lastSeen ?? 0) > (group.latest.lastSeen ?? 0)) group.latest = event;
    }
  }
  return [...groups.values()].map(groupFinding);
}

function checkOf(event: EventRecord): EventCheckId | undefined {
  if (event.reason === 'FailedCreate' && ADMISSION_DENIAL.test(event.message)) return 'event-admission-denied';
  return CHECK_BY_REASON[event.reason];
}

/** An event without any timestamp cannot be placed in the window: it is left out rather than guessed. */
function inWindow(event: EventRecord, context: CheckContext): boolean {
  return event.lastSeen !== undefined && event.lastSeen >= context.eventsFrom && event.lastSeen <= context.now;
}

function groupFinding(group: EventGroup): CheckFinding {
  const { involved } = group;
  const lastSeen = group.latest.lastSeen === undefined ? '' : new Date(group.latest.lastSeen).toISOString();
  const what = group.check.id === 'event-admission-denied' ? 'admission webhook denials' : `${group.reason} warnings`;
  return finding(group.check, involved, {
    message: `${describe(involved)}: ${group.count} ${what}, latest at ${lastSeen}: ${excerpt(group.latest.message)}`,
    remediation: remediationOf(group.check.id, involved),
    evidence: { reason: group.reason, count: group.count, lastSeen, latestMessage: excerpt(group.latest.message) },
  });
}

function remediationOf(check: EventCheckId, involved: Subject): string {
  const describeCommand = `kubectl describe ${involved.kind.toLowerCase()} ${involved.name}${namespaceFlag(involved.namespace)}`;
  switch (check) {
    case 'event-admission-denied':
      return `${describeCommand} — change the object to satisfy the policy named in the message, or review the webhook (kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations)`;
    case 'event-failed-scheduling':
      return `${describeCommand} — free or add capacity, or fix node selectors, affinity, tolerations or PVC binding`;
    case 'event-failed-mount':
      return `${describeCommand} — check that the volume's PVC, ConfigMap or Secret exists and that the volume can attach to the node`;
    case 'event-backoff':
      return `${describeCommand}; for a crashing container: kubectl logs ${involved.name}${namespaceFlag(involved.namespace)} --previous`;
    default:
      return `${describeCommand} — the message says what the controller could not create (quota, limits, missing ServiceAccount)`;
  }
}
