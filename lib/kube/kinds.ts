/** What names an object's kind: its `apiVersion` (`apps/v1`, `v1`) and `kind`. */
interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/**
 * A kind of object: its API group (`''` for core) and Kind, the version aside (apps/v1beta1 and apps/v1 Deployments
 * are one kind), as apimachinery's `schema.GroupKind`. The one type for "group and kind" in every folder.
 */
export interface GroupKind {
  group: string;
  kind: string;
}

/**
 * The one string key of a kind: `group/Kind`, `/Pod` for core (apimachinery writes `Kind.group`; ours is a contract:
 * reports' `scan.listedKinds`, `clusterScopedKinds` and history keys hold it). Keys of objects build on it.
 */
export function kindKey({ group, kind }: GroupKind): string {
  return `${group}/${kind}`;
}

/** The API group of an apiVersion: `apps` of `apps/v1`, `''` of `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The kind of an object, from its apiVersion's group and its kind. */
export function kindOf(object: TypeMeta): GroupKind {
  return { group: groupOf(object.apiVersion), kind: object.kind };
}

/** `kindKey(kindOf(object))`. */
export function objectKindKey(object: TypeMeta): string {
  return kindKey(kindOf(object));
}

/** The kind a `kindKey` names; undefined for a string without a `/` (a Kind has none, so the last `/` splits). */
export function parseKindKey(key: string): GroupKind | undefined {
  const slash = key.lastIndexOf('/');
  if (slash < 0) return undefined;
  return { group: key.slice(0, slash), kind: key.slice(slash + 1) };
}
