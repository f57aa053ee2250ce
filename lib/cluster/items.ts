import { isKubeObject, isPlainObject } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';

/**
 * Turns one list item into a KubeObject. Items of typed lists (`DeploymentList`, any API LIST response) carry no
 * apiVersion/kind, so the list's values fill them in; values the item does carry win.
 * Returns undefined for anything that is still not an object with apiVersion, kind and metadata.name.
 */
export function withTypeMeta(
  item: unknown,
  apiVersion: string | undefined,
  kind: string | undefined,
): KubeObject | undefined {
  if (!isPlainObject(item)) return undefined;
  const filled: Record<string, unknown> = { ...item };
  if (typeof filled['apiVersion'] !== 'string' && apiVersion) filled['apiVersion'] = apiVersion;
  if (typeof filled['kind'] !== 'string' && kind) filled['kind'] = kind;
  return isKubeObject(filled) ? filled : undefined;
}
