/** Kinds (what reports name) to resources (what audit events name). */
import type { ListOutcome } from '../cluster/types.ts';
import { kindKey } from '../kube/kinds.ts';

/** Built-in kinds whose resource is not the regular lowercase plural. */
const IRREGULAR: Readonly<Record<string, string>> = {
  '/Endpoints': 'endpoints',
  'metrics.k8s.io/NodeMetrics': 'nodes',
  'metrics.k8s.io/PodMetrics': 'pods',
};

/** `group/Kind` → resource: what discovery listed wins; else the irregular table; else the lowercase plural. */
export class ResourceNames {
  private readonly listed = new Map<string, string>();

  constructor(lists: readonly ListOutcome[] = []) {
    for (const list of lists) this.listed.set(kindKey(list), list.resource);
  }

  resourceOf(group: string, kind: string): string {
    const key = kindKey({ group, kind });
    return this.listed.get(key) ?? IRREGULAR[key] ?? pluralOf(kind.toLowerCase());
  }
}

function pluralOf(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}
