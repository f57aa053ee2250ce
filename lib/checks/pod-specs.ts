import { at, record, records } from './field-readers.ts';
import type { GroupKind } from '../kube/kinds.ts';
import type { Fields } from './field-readers.ts';

/**
 * The pod spec inside a value: a CronJob (spec.jobTemplate.spec.template.spec), a workload (spec.template.spec),
 * a Pod or pod template (spec), or a bare PodSpec. Undefined when none of them holds containers.
 */
export function podSpecIn(value: unknown): Fields | undefined {
  const candidates = [
    at(value, 'spec', 'jobTemplate', 'spec', 'template', 'spec'),
    at(value, 'spec', 'template', 'spec'),
    at(value, 'spec'),
    value,
  ];
  return candidates.map(record).find((spec) => spec !== undefined && Array.isArray(spec['containers']));
}

/** Annotations on the value and on its pod template: where a self-exemption may be written. */
export function podTemplateAnnotations(value: unknown): Record<string, string> {
  const sources = [
    at(value, 'metadata', 'annotations'),
    at(value, 'spec', 'template', 'metadata', 'annotations'),
    at(value, 'spec', 'jobTemplate', 'spec', 'template', 'metadata', 'annotations'),
  ];
  const merged: Record<string, string> = {};
  for (const source of sources) {
    for (const [key, item] of Object.entries(record(source) ?? {})) if (typeof item === 'string') merged[key] = item;
  }
  return merged;
}

/** Containers, init containers and ephemeral containers: each can carry the same risks. */
export function containersOf(spec: Fields): Fields[] {
  return [...records(spec['initContainers']), ...records(spec['containers']), ...records(spec['ephemeralContainers'])];
}

/** Kinds whose live objects carry a pod template (for the tolerations the taint check looks for). */
export const POD_TEMPLATE_KINDS: readonly GroupKind[] = [
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'apps', kind: 'DaemonSet' },
  { group: 'apps', kind: 'ReplicaSet' },
  { group: 'batch', kind: 'Job' },
  { group: 'batch', kind: 'CronJob' },
];
