import { describeRef, isPlainObject, refOf } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';

export interface CheckedObjects {
  objects: KubeObject[];
  /** One per object whose managedFields were dropped, naming it. */
  warnings: string[];
}

/**
 * Live objects as the engine may read them: an object whose `metadata.managedFields` is not a list of well-formed
 * entries (an entry that is null or a scalar, a manager that is a number, fieldsV1 that is not a mapping) loses its
 * managedFields, and with them attribution, with a warning naming it. One bad object never stops the audit.
 */
export function withCheckedManagedFields(objects: readonly KubeObject[]): CheckedObjects {
  const warnings: string[] = [];
  const checked = objects.map((object) => {
    const problem = managedFieldsProblem(object.metadata.managedFields);
    if (problem === undefined) return object;
    warnings.push(`${describeRef(refOf(object))}: metadata.managedFields ${problem}; its changes are not attributed`);
    const { managedFields: _dropped, ...metadata } = object.metadata;
    return { ...object, metadata };
  });
  return { objects: checked, warnings };
}

const STRING_FIELDS = ['manager', 'operation', 'apiVersion', 'fieldsType', 'subresource'] as const;

/** What is wrong with a managedFields value, in a few words (never its content); undefined when it is usable. */
function managedFieldsProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return 'is not a list';
  for (const [index, entry] of value.entries()) {
    if (!isPlainObject(entry)) return `entry ${index} is not a mapping`;
    const wrong = STRING_FIELDS.find((field) => entry[field] !== undefined && typeof entry[field] !== 'string');
    if (wrong) return `entry ${index}: ${wrong} is not a string`;
    const time = entry['time'];
    if (time !== undefined && time !== null && typeof time !== 'string') return `entry ${index}: time is not a string`;
    const fields = entry['fieldsV1'];
    if (fields !== undefined && fields !== null && !isPlainObject(fields))
      return `entry ${index}: fieldsV1 is not a mapping`;
  }
  return undefined;
}
