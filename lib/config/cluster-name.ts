/**
 * What a cluster name may be: the pattern of `clusters[].name` in driftwatch.schema.json (a unit test keeps the two
 * equal). Names become folders and object keys of the report store, so a name can never climb out of it.
 */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

export function isClusterName(name: string): boolean {
  return CLUSTER_NAME_PATTERN.test(name);
}
