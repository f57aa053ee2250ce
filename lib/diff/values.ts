import { isPlainObject } from '../kube/object.ts';
import { quantitiesEqual } from './quantity.ts';

/**
 * Fields typed `intstr.IntOrString` in k8s.io/api (ServicePort.targetPort, probes' `port`, the rolling update's
 * maxSurge/maxUnavailable, PodDisruptionBudget minAvailable, StatefulSet partition): 8080 and "8080" are one value.
 */
const INT_OR_STRING_FIELDS = new Set(['targetPort', 'port', 'maxSurge', 'maxUnavailable', 'minAvailable', 'partition']);
/** Maps of `resource.Quantity` (ResourceRequirements, ResourceQuota, Node capacity, LimitRange) and single quantities. */
const QUANTITY_PARENTS = new Set([
  'limits',
  'requests',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
  'default',
  'defaultRequest',
  'max',
  'min',
]);
const QUANTITY_FIELDS = new Set(['storage', 'sizeLimit', 'divisor', 'averageValue']);

/**
 * Scalar equality as the API server sees it: quantities by amount, int-or-string fields by text. `field` is the last
 * field name of the value's path, `parent` the one before it ('' when none).
 */
export function scalarsEqual(declared: unknown, live: unknown, field: string, parent: string): boolean {
  if (declared === live) return true;
  if (QUANTITY_PARENTS.has(parent) || QUANTITY_FIELDS.has(field)) return quantitiesEqual(declared, live);
  if (INT_OR_STRING_FIELDS.has(field))
    return isIntOrString(declared) && isIntOrString(live) && String(declared) === String(live);
  return false;
}

function isIntOrString(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

/** null, an empty map or an empty list: declared this way it means the same as absent. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}
