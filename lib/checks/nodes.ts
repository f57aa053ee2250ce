import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import { at, excerpt, records, text } from './fields.ts';
import type { Fields } from './fields.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';

/** Conditions that are bad when True. */
const PRESSURE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

/** node-not-ready, node-pressure, node-cordoned. */
export function nodeFindings(context: CheckContext): CheckFinding[] {
  return context.ofKind('', 'Node').flatMap((node) => [...notReady(node), ...pressure(node), ...cordoned(node)]);
}

function conditions(node: KubeObject): Fields[] {
  return records(at(node, 'status', 'conditions'));
}

function drainHint(name: string): string {
  return `kubectl drain --ignore-daemonsets --delete-emptydir-data ${name}`;
}

function notReady(node: KubeObject): CheckFinding[] {
  const ready = conditions(node).find((condition) => condition['type'] === 'Ready');
  const status = text(ready?.['status']);
  // No Ready condition at all means no status was read: nothing to judge.
  if (ready === undefined || status === 'True') return [];
  const name = node.metadata.name;
  const reason = [text(ready['reason']), text(ready['message'])].filter((part) => part !== undefined && part !== '');
  const since = text(ready['lastTransitionTime']);
  return [
    finding('node-not-ready', subjectOf(node), {
      message: `${describe(subjectOf(node))} is NotReady (Ready=${status ?? 'missing'}${since ? ` since ${since}` : ''})${reason.length > 0 ? `: ${excerpt(reason.join(': '))}` : ''}`,
      remediation: `kubectl describe node ${name} (kubelet, container runtime, network); if it does not recover: ${drainHint(name)} and replace the node`,
      evidence: { ready: status ?? 'missing', ...(since !== undefined && { since }) },
    }),
  ];
}

function pressure(node: KubeObject): CheckFinding[] {
  const active = conditions(node).filter(
    (condition) => PRESSURE_CONDITIONS.includes(text(condition['type']) ?? '') && condition['status'] === 'True',
  );
  if (active.length === 0) return [];
  const types = active.map((condition) => text(condition['type']) ?? '');
  const name = node.metadata.name;
  return [
    finding('node-pressure', subjectOf(node), {
      message: `${describe(subjectOf(node))} reports ${types.join(', ')}${detailOf(active)}`,
      remediation: `kubectl describe node ${name} — free the resource (evicted pods, images, logs) or move workloads off: ${drainHint(name)}`,
      evidence: { conditions: types },
    }),
  ];
}

function detailOf(active: readonly Fields[]): string {
  const messages = active.map((condition) => text(condition['message'])).filter((message) => message !== undefined && message !== '');
  return messages.length === 0 ? '' : `: ${excerpt(messages.join('; '))}`;
}

function cordoned(node: KubeObject): CheckFinding[] {
  if (at(node, 'spec', 'unschedulable') !== true) return [];
  const name = node.metadata.name;
  return [
    finding('node-cordoned', subjectOf(node), {
      message: `${describe(subjectOf(node))} is cordoned: no new pods are scheduled on it`,
      remediation: `kubectl uncordon ${name} once its maintenance is over (or finish it: ${drainHint(name)})`,
    }),
  ];
}
