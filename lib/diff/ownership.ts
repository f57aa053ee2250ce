import type { ManagedFieldsEntry } from '../kube/object.ts';
import { isPlainObject } from '../kube/object.ts';

/** A manager's write as recorded in `metadata.managedFields`. */
export interface Owner {
  manager: string;
  operation: string;
  subresource?: string;
  time?: string;
}

/**
 * The union of every manager's FieldsV1 set as one tree: each node lists the managers that own it exactly
 * (a leaf `{}` or a `.` entry), children are keyed as in FieldsV1 (`f:name`, `k:{...}`, `v:value`, `i:0`).
 */
export class OwnershipNode {
  readonly owners: Owner[] = [];
  readonly children = new Map<string, OwnershipNode>();

  child(name: string): OwnershipNode | undefined {
    return this.children.get(name);
  }

  field(name: string): OwnershipNode | undefined {
    return this.children.get(`f:${name}`);
  }

  /** The node of a keyed list item: the `k:{...}` child whose key fields all equal the item's. */
  item(item: Record<string, unknown>, index: number): OwnershipNode | undefined {
    for (const [key, node] of this.keyedChildren()) {
      if (keyMatches(key, item)) return node;
    }
    return this.children.get(`i:${index}`);
  }

  /**
   * The `k:{...}` children with their keys parsed, once per node: a list of N items looks each of them up. Parsed
   * again should a child be added after (the tree is built before it is read, so in practice never).
   */
  private keyed: ReadonlyArray<readonly [Record<string, unknown>, OwnershipNode]> | undefined;
  private keyedFrom = -1;

  private keyedChildren(): ReadonlyArray<readonly [Record<string, unknown>, OwnershipNode]> {
    if (this.keyed === undefined || this.keyedFrom !== this.children.size) {
      this.keyedFrom = this.children.size;
      const keyed: Array<readonly [Record<string, unknown>, OwnershipNode]> = [];
      for (const [name, node] of this.children) {
        const key = name.startsWith('k:') ? parsedKey(name.slice(2)) : undefined;
        if (key !== undefined) keyed.push([key, node]);
      }
      this.keyed = keyed;
    }
    return this.keyed;
  }

  /** The node of a set member (`v:"value"`). */
  member(value: unknown): OwnershipNode | undefined {
    return this.children.get(`v:${JSON.stringify(value)}`);
  }

  /** Owners of this node and of everything under it, each manager once. */
  subtreeOwners(): Owner[] {
    const found = new Map<string, Owner>();
    const visit = (node: OwnershipNode): void => {
      for (const owner of node.owners) found.set(ownerId(owner), owner);
      for (const childNode of node.children.values()) visit(childNode);
    };
    visit(this);
    return [...found.values()];
  }
}

function ownerId(owner: Owner): string {
  return `${owner.manager}\u0000${owner.operation}\u0000${owner.subresource ?? ''}`;
}

/** A `k:` child's key (`{"containerPort":80,"protocol":"TCP"}`); undefined when it is not a JSON object. */
function parsedKey(keyJson: string): Record<string, unknown> | undefined {
  try {
    const key: unknown = JSON.parse(keyJson);
    return isPlainObject(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

function keyMatches(key: Record<string, unknown>, item: Record<string, unknown>): boolean {
  for (const field in key) if (String(item[field]) !== String(key[field])) return false;
  return true;
}

/** Builds the ownership tree of an object; undefined when it carries no managedFields (no attribution data). */
export function buildOwnership(entries: readonly ManagedFieldsEntry[] | undefined): OwnershipNode | undefined {
  // Live objects are checked on the way in (cluster/managed-fields.ts); anything else is still no data, not a crash.
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  const root = new OwnershipNode();
  const newestOf = newestTimeByManager(entries);
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || !isPlainObject(entry.fieldsV1)) continue;
    const owner: Owner = { manager: entry.manager ?? 'unknown', operation: entry.operation ?? 'Update' };
    if (entry.subresource) owner.subresource = entry.subresource;
    // A write without a time (the scale subresource records none) takes the newest time the object shows for that
    // manager; with none, the time stays unknown and is said so.
    const time = entry.time ?? newestOf.get(owner.manager);
    if (time) owner.time = time;
    addFields(root, entry.fieldsV1, owner);
  }
  return root;
}

function newestTimeByManager(entries: readonly ManagedFieldsEntry[]): Map<string, string> {
  const newest = new Map<string, string>();
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || !entry.time) continue;
    const manager = entry.manager ?? 'unknown';
    const known = newest.get(manager);
    if (known === undefined || entry.time.localeCompare(known) > 0) newest.set(manager, entry.time);
  }
  return newest;
}

function addFields(node: OwnershipNode, fields: Record<string, unknown>, owner: Owner): void {
  for (const [name, value] of Object.entries(fields)) {
    if (name === '.') {
      node.owners.push(owner);
      continue;
    }
    let childNode = node.children.get(name);
    if (!childNode) {
      childNode = new OwnershipNode();
      node.children.set(name, childNode);
    }
    const nested = isPlainObject(value) ? value : {};
    if (Object.keys(nested).length === 0) childNode.owners.push(owner);
    else addFields(childNode, nested, owner);
  }
}

/** The owner to name for a change: a foreign manager first (that is who changed it by hand), the latest write next. */
export function pickOwner(owners: readonly Owner[], isTrusted: (owner: Owner) => boolean): Owner | undefined {
  const foreign = owners.filter((owner) => !isTrusted(owner));
  const pool = foreign.length > 0 ? foreign : owners;
  return [...pool].sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''))[0];
}
