import type { KubeObject } from '../kube/object.ts';
import type { DeclaredPodTemplate } from './context.ts';
import { subjectOf } from './context.ts';
import { podSpecIn } from './pod-specs.ts';
import { objectKindKey } from '../kube/kinds.ts';

/** `group/Kind` of the objects that hold a pod spec. */
const POD_HOLDERS = new Set([
  '/Pod',
  '/ReplicationController',
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
  'batch/CronJob',
]);

/** The pod templates among declared objects, in the shape runChecks takes (the whole object is the template). */
export function declaredPodTemplates(objects: readonly KubeObject[]): DeclaredPodTemplate[] {
  return objects
    .filter((object) => POD_HOLDERS.has(objectKindKey(object)) && podSpecIn(object) !== undefined)
    .map((object) => ({ ref: subjectOf(object), template: object }));
}
