import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { NODE } from './definition.ts';
import { at, records, text } from './field-readers.ts';
import type { Fields } from './field-readers.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';
import { excerpt } from './message-text.ts';

export const nodeNotReady: CheckDefinition<'node-not-ready'> = {
  id: 'node-not-ready',
  severity: 'critical',
  title: 'Node Ready condition False or Unknown',
  firesOn: 'Node Ready condition False or Unknown',
  reads: [NODE],
  run: (context) => nodesOf(context).flatMap(notReady),
};

export const nodePressure: CheckDefinition<'node-pressure'> = {
  id: 'node-pressure',
  severity: 'high',
  title: 'Node under memory/disk/PID pressure or network unavailable',
  firesOn: 'MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable True',
  reads: [NODE],
  run: (context) => nodesOf(context).flatMap(pressure),
};

export const nodeCordoned: CheckDefinition<'node-cordoned'> = {
  id: 'node-cordoned',
  severity: 'low',
  title: 'Node cordoned (spec.unschedulable)',
  firesOn: '`spec.unschedulable: true`',
  reads: [NODE],
  run: (context) => nodesOf(context).flatMap(cordoned),
};

/** Conditions that are bad when True. */
const PRESSURE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

function nodesOf(context: CheckContext): readonly KubeObject[] {
  return context.ofKind('', 'Node');
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
    finding(nodeNotReady, subjectOf(node), {
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
    finding(nodePressure, subjectOf(node), {
      message: `${describe(subjectOf(node))} reports ${types.join(', ')}${detailOf(active)}`,
      remediation: `kubectl describe node ${name} — free the resource (evicted pods, images, logs) or move workloads off: ${drainHint(name)}`,
      evidence: { conditions: types },
    }),
  ];
}

function detailOf(active: readonly Fields[]): string {
  const messages = active
    .map((condition) => text(condition['message']))
    .filter((message) => message !== undefined && message !== '');
  return messages.length === 0 ? '' : `: ${excerpt(messages.join('; '))}`;
}

function cordoned(node: KubeObject): CheckFinding[] {
  if (at(node, 'spec', 'unschedulable') !== true) return [];
  const name = node.metadata.name;
  return [
    finding(nodeCordoned, subjectOf(node), {
      message: `${describe(subjectOf(node))} is cordoned: no new pods are scheduled on it`,
      remediation: `kubectl uncordon ${name} once its maintenance is over (or finish it: ${drainHint(name)})`,
    }),
  ];
}
