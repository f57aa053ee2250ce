import type { CheckInfo } from './definition.ts';
import type { Fields } from './field-readers.ts';
import type { Subject } from './finding.ts';

/** A check on one pod spec, run on declared templates and on live pods alike (pod-spec-findings.ts runs it). */
export interface PodSpecRule<Id extends string = string> extends CheckInfo<Id> {
  /** Problems in the spec, each a short phrase naming the container: `container "app" is privileged`. */
  inspect: (spec: Fields) => string[];
  /** What to do about it, for the workload (or bare pod) it was found in. */
  remediation: (subject: Subject) => string;
}

/** `kubectl get deployment web -n shop -o yaml`: where to look at the template before fixing it in Git. */
export function showCommand(subject: Subject): string {
  return `kubectl get ${subject.kind.toLowerCase()} ${subject.name}${subject.namespace ? ` -n ${subject.namespace}` : ''} -o yaml`;
}
