/**
 * What a cluster name may be: the pattern of `clusters[].name` in driftwatch.schema.json (a unit test keeps the two
 * equal). Names become folders and object keys of the report store, so a name can never climb out of it.
 */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

export function isClusterName(name: string): boolean {
  return CLUSTER_NAME_PATTERN.test(name);
}

/** Why `name` is refused, in the words every command uses. */
export function clusterNameProblem(name: string): string {
  return `${JSON.stringify(name)} is not a valid cluster name: use lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit (${CLUSTER_NAME_PATTERN.source})`;
}
