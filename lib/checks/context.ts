import type { ChecksConfig } from './options.ts';
import type { TrustPolicy } from '../diff/trust.ts';
import { trustPolicy } from '../diff/trust.ts';
import type { KubeObject } from '../kube/object.ts';
import type { Subject } from './finding.ts';
import { kindKey, objectKindKey } from '../kube/kinds.ts';

/** A pod template from Git: the workload it belongs to and its template (see pod-specs.ts for accepted shapes). */
export interface DeclaredPodTemplate {
  ref: Subject;
  template: unknown;
}

export interface ChecksInput {
  /** Live objects of the kinds in CHECK_KINDS (others are used by the hand-made check only). */
  objects: readonly KubeObject[];
  now: Date;
  /** When the previous run happened: Warning events before it were reported then. */
  since?: Date;
  declaredPodTemplates?: readonly DeclaredPodTemplate[];
  /** Namespaces of the hand-made check; absent: every namespace but kube-system, kube-public, kube-node-lease. */
  auditedNamespaces?: readonly string[];
  config: ChecksConfig;
  /** Field managers whose writes count as applied state; default: the drift engine's built-in trusted managers. */
  trust?: TrustPolicy;
}

/** What every check reads: the input with times in milliseconds and objects indexed by kind. */
export interface CheckContext {
  objects: readonly KubeObject[];
  now: number;
  /** Start of the Warning events window. */
  eventsFrom: number;
  declaredPodTemplates: readonly DeclaredPodTemplate[];
  auditedNamespaces: readonly string[] | undefined;
  config: ChecksConfig;
  trust: TrustPolicy;
  /** Live objects of one kind of one API group ('' is core). */
  ofKind: (group: string, kind: string) => readonly KubeObject[];
}

export function checkContext(input: ChecksInput): CheckContext {
  const now = input.now.getTime();
  const windowStart = now - input.config.events.windowMinutes * 60_000;
  const index = indexByKind(input.objects);
  return {
    objects: input.objects,
    now,
    eventsFrom: Math.max(windowStart, input.since?.getTime() ?? windowStart),
    declaredPodTemplates: input.declaredPodTemplates ?? [],
    auditedNamespaces: input.auditedNamespaces,
    config: input.config,
    trust: input.trust ?? trustPolicy(),
    ofKind: (group, kind) => index.get(kindKey({ group, kind })) ?? [],
  };
}

function indexByKind(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const index = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const key = objectKindKey(object);
    const list = index.get(key);
    if (list === undefined) index.set(key, [object]);
    else list.push(object);
  }
  return index;
}

/** The subject of a live object. */
export function subjectOf(object: KubeObject): Subject {
  const { name, namespace } = object.metadata;
  return namespace ? { kind: object.kind, namespace, name } : { kind: object.kind, name };
}
