import { isPlainObject } from '../kube/object.ts';
import type { CrdListLookup } from './crd-lists.ts';
import type { ListStrategy } from './listkeys.ts';
import { isServerDefault } from './defaults.ts';
import { itemKey, listStrategy, sameKey } from './listkeys.ts';
import { isEmptyValue, isLiveOnlyExempt, isServerSet, scalarsEqual } from './normalize.ts';
import type { Owner, OwnershipNode } from './ownership.ts';
import { pickOwner } from './ownership.ts';
import type { Path, PathSegment } from './path.ts';
import type { TrustPolicy } from './trust.ts';

/**
 * Why a field counts as drift:
 * - `differs`: declared, and live holds another value;
 * - `absent-live`: declared, and not live;
 * - `live-only`: only live, written by a manager that is not a trusted applier or controller (a hand-made change);
 * - `removed-from-git`: only live, set earlier by the applier itself, so applying Git would remove it.
 */
export type ChangeReason = 'differs' | 'absent-live' | 'live-only' | 'removed-from-git';

export interface RawChange {
  path: Path;
  reason: ChangeReason;
  declared?: unknown;
  live?: unknown;
  owner?: Owner;
}

export interface CompareOptions {
  group: string;
  kind: string;
  trust: TrustPolicy;
  /** Ownership tree from managedFields; undefined when the live object has none. */
  ownership?: OwnershipNode;
  /** The parsed last-applied annotation (client-side apply), when present. */
  lastApplied?: unknown;
  /** Paths excluded by ignore rules. */
  isIgnored: (path: Path) => boolean;
  /** List types published by the CRDs in view, for the lists of custom resources. */
  crdLists?: CrdListLookup;
}

/** Compares a declared object with its live twin, field by field, and returns what drifted. */
export function compareObjects(declared: unknown, live: unknown, options: CompareOptions): RawChange[] {
  const comparer = new Comparer(options);
  comparer.compare(declared, live, [], { own: options.ownership, applied: options.lastApplied });
  return comparer.result();
}

/** What travels beside a value during the walk: its ownership node and its last-applied twin. */
interface Trail {
  own: OwnershipNode | undefined;
  applied: unknown;
  /** Owners of the nearest owned ancestor, for changes inside an atomic value. */
  inherited?: readonly Owner[];
}

function childTrail(trail: Trail, own: OwnershipNode | undefined, applied: unknown): Trail {
  const inherited = trail.own && trail.own.owners.length > 0 ? trail.own.owners : trail.inherited;
  return inherited ? { own, applied, inherited } : { own, applied };
}

function fieldOf(value: unknown, name: string): unknown {
  return isPlainObject(value) ? value[name] : undefined;
}

/** Zero values the API server leaves out of its output (`omitempty`): declared this way they mean absent. */
function isOmittedZero(value: unknown): boolean {
  return value === false || value === 0 || value === '';
}

class Comparer {
  private readonly changes: RawChange[] = [];
  /** Server-side appliers of this object: Apply managers that own a field Git declares. */
  private readonly declaredAppliers = new Set<string>();
  /** Changes that hold only if their Apply owner turns out to be an applier of this object. */
  private readonly pendingAppliers = new Map<RawChange, readonly string[]>();
  private readonly options: CompareOptions;

  constructor(options: CompareOptions) {
    this.options = options;
  }

  /**
   * The changes, once the walk knows the object's appliers: a field owned through Apply by a manager that owns
   * nothing Git declares (a trusted server-side-apply operator) is not the applier's leftover.
   */
  result(): RawChange[] {
    return this.changes.filter((change) => {
      const appliers = this.pendingAppliers.get(change);
      return appliers === undefined || appliers.some((manager) => this.declaredAppliers.has(manager));
    });
  }

  compare(declared: unknown, live: unknown, path: Path, trail: Trail): void {
    if (this.skipped(path) || declared === null || declared === undefined) return;
    for (const owner of trail.own?.owners ?? []) if (owner.operation === 'Apply') this.declaredAppliers.add(owner.manager);
    if (live === null || live === undefined) {
      if (!isEmptyValue(declared) && !isOmittedZero(declared)) this.changes.push({ path, reason: 'absent-live', declared });
      return;
    }
    if (isPlainObject(declared) && isPlainObject(live)) return this.compareMaps(declared, live, path, trail);
    if (Array.isArray(declared) && Array.isArray(live)) return this.compareLists(declared, live, path, trail);
    if (isPlainObject(declared) || Array.isArray(declared) || isPlainObject(live) || Array.isArray(live)) {
      if (!(isEmptyValue(declared) && isEmptyValue(live))) this.differs(declared, live, path, trail);
      return;
    }
    if (!scalarsEqual(declared, live, path)) this.differs(declared, live, path, trail);
  }

  private compareMaps(declared: Record<string, unknown>, live: Record<string, unknown>, path: Path, trail: Trail): void {
    for (const [name, value] of Object.entries(declared)) {
      const own = trail.own?.field(name);
      this.compare(value, live[name], [...path, { field: name }], childTrail(trail, own, fieldOf(trail.applied, name)));
    }
    for (const [name, value] of Object.entries(live)) {
      if (name in declared) continue;
      const own = trail.own?.field(name);
      this.liveOnly(value, [...path, { field: name }], childTrail(trail, own, fieldOf(trail.applied, name)), live);
    }
  }

  private compareLists(declared: unknown[], live: unknown[], path: Path, trail: Trail): void {
    const strategy = listStrategy(this.options.group, this.options.kind, path, this.options.crdLists);
    if (strategy.type === 'keyed' && declared.every((item) => itemKey(item, strategy))) {
      return this.compareKeyedLists(declared, live, path, trail, strategy);
    }
    if (strategy.type === 'set') return this.compareSets(declared, live, path, trail);
    if (!atomicEqual(declared, live, path)) this.differs(declared, live, path, trail);
  }

  private compareKeyedLists(
    declared: unknown[],
    live: unknown[],
    path: Path,
    trail: Trail,
    strategy: Extract<ListStrategy, { type: 'keyed' }>,
  ): void {
    const matched = new Set<number>();
    for (const item of declared) {
      const key = itemKey(item, strategy);
      if (!key) continue;
      const liveIndex = live.findIndex((candidate, index) => !matched.has(index) && keyOf(candidate, strategy, key));
      const itemPath: Path = [...path, { key }];
      if (liveIndex < 0) {
        if (!this.skipped(itemPath)) this.changes.push({ path: itemPath, reason: 'absent-live', declared: item });
        continue;
      }
      matched.add(liveIndex);
      const liveItem = live[liveIndex];
      const own = isPlainObject(liveItem) ? trail.own?.item(liveItem, liveIndex) : undefined;
      this.compare(item, liveItem, itemPath, childTrail(trail, own, appliedItem(trail.applied, strategy, key)));
    }
    live.forEach((liveItem, index) => {
      if (matched.has(index)) return;
      this.liveOnlyItem(liveItem, index, path, trail, strategy);
    });
  }

  private compareSets(declared: unknown[], live: unknown[], path: Path, trail: Trail): void {
    const liveMembers = new Set(live.map((member) => JSON.stringify(member)));
    if (declared.some((member) => !liveMembers.has(JSON.stringify(member)))) this.differs(declared, live, path, trail);
    const declaredMembers = new Set(declared.map((member) => JSON.stringify(member)));
    live.forEach((member, index) => {
      if (declaredMembers.has(JSON.stringify(member))) return;
      this.liveOnlyMember(member, index, path, trail);
    });
  }

  private liveOnly(live: unknown, path: Path, trail: Trail, parent: Record<string, unknown>): void {
    if (isEmptyValue(live) || this.skipped(path)) return;
    if (isLiveOnlyExempt(this.options.group, this.options.kind, path) || isServerDefault(`${this.options.group}/${this.options.kind}`, path, live, parent)) return;
    if (isPlainObject(live)) {
      for (const [name, value] of Object.entries(live)) {
        const own = trail.own?.field(name);
        this.liveOnly(value, [...path, { field: name }], childTrail(trail, own, fieldOf(trail.applied, name)), live);
      }
      return;
    }
    if (Array.isArray(live)) {
      const strategy = listStrategy(this.options.group, this.options.kind, path, this.options.crdLists);
      if (strategy.type === 'keyed' && live.every((item) => itemKey(item, strategy))) {
        live.forEach((item, index) => this.liveOnlyItem(item, index, path, trail, strategy));
        return;
      }
      if (strategy.type === 'set') {
        live.forEach((member, index) => this.liveOnlyMember(member, index, path, trail));
        return;
      }
    }
    this.judgeLiveOnly(live, path, trail, deepEqual(trail.applied, live, path));
  }

  private liveOnlyItem(
    item: unknown,
    index: number,
    path: Path,
    trail: Trail,
    strategy: Extract<ListStrategy, { type: 'keyed' }>,
  ): void {
    const key = itemKey(item, strategy);
    const segment: PathSegment = key ? { key } : { index };
    const own = isPlainObject(item) ? trail.own?.item(item, index) : undefined;
    const applied = key ? appliedItem(trail.applied, strategy, key) : undefined;
    this.judgeLiveOnly(item, [...path, segment], childTrail(trail, own, applied), applied !== undefined);
  }

  private liveOnlyMember(member: unknown, index: number, path: Path, trail: Trail): void {
    const applied = Array.isArray(trail.applied) && trail.applied.some((entry) => JSON.stringify(entry) === JSON.stringify(member));
    this.judgeLiveOnly(member, [...path, { index }], childTrail(trail, trail.own?.member(member), undefined), applied);
  }

  /** A live-only value is drift when a foreign manager wrote it, or when the applier did and Git no longer has it. */
  private judgeLiveOnly(live: unknown, path: Path, trail: Trail, inLastApplied: boolean): void {
    if (this.skipped(path) || isLiveOnlyExempt(this.options.group, this.options.kind, path)) return;
    const owners = trail.own?.subtreeOwners() ?? [];
    const foreign = owners.filter((owner) => !this.options.trust(owner));
    if (foreign.length > 0) {
      this.changes.push(withOwner({ path, reason: 'live-only', live }, pickOwner(foreign, this.options.trust)));
      return;
    }
    const appliers = owners.filter((owner) => owner.operation === 'Apply');
    if (inLastApplied) {
      this.changes.push(withOwner({ path, reason: 'removed-from-git', live }, pickOwner(appliers.length > 0 ? appliers : owners, this.options.trust)));
      return;
    }
    if (appliers.length === 0) return;
    const change = withOwner({ path, reason: 'removed-from-git', live }, pickOwner(appliers, this.options.trust));
    this.changes.push(change);
    this.pendingAppliers.set(change, appliers.map((owner) => owner.manager));
  }

  private differs(declared: unknown, live: unknown, path: Path, trail: Trail): void {
    const owners = trail.own ? trail.own.subtreeOwners() : trail.inherited ?? [];
    this.changes.push(withOwner({ path, reason: 'differs', declared, live }, pickOwner(owners, this.options.trust)));
  }

  private skipped(path: Path): boolean {
    return isServerSet(path) || this.options.isIgnored(path);
  }
}

function withOwner(change: RawChange, owner: Owner | undefined): RawChange {
  return owner ? { ...change, owner } : change;
}

function keyOf(candidate: unknown, strategy: Extract<ListStrategy, { type: 'keyed' }>, key: Record<string, string | number | boolean>): boolean {
  const candidateKey = itemKey(candidate, strategy);
  return candidateKey !== undefined && sameKey(key, candidateKey);
}

function appliedItem(
  applied: unknown,
  strategy: Extract<ListStrategy, { type: 'keyed' }>,
  key: Record<string, string | number | boolean>,
): unknown {
  if (!Array.isArray(applied)) return undefined;
  return applied.find((candidate) => keyOf(candidate, strategy, key));
}

/**
 * Atomic values compare whole, but a declared map inside them still matches a live map that only adds
 * defaults (protocol TCP inside Endpoints subsets): declared fields must match, live-only ones are defaults.
 */
function atomicEqual(declared: unknown, live: unknown, path: Path): boolean {
  if (isEmptyValue(declared) && isEmptyValue(live)) return true;
  if (Array.isArray(declared) && Array.isArray(live)) {
    return declared.length === live.length && declared.every((item, index) => atomicEqual(item, live[index], [...path, { index }]));
  }
  if (isPlainObject(declared) && isPlainObject(live)) {
    return Object.entries(declared).every(([name, value]) => {
      const childPath: Path = [...path, { field: name }];
      if (value === null || value === undefined) return true;
      const liveValue = live[name];
      if (liveValue === undefined || liveValue === null) return isEmptyValue(value) || isOmittedZero(value);
      return atomicEqual(value, liveValue, childPath);
    });
  }
  if (isPlainObject(declared) || Array.isArray(declared) || isPlainObject(live) || Array.isArray(live)) return false;
  return scalarsEqual(declared, live, path);
}

/** Exact equality up to empty values, quantities and int-or-string: a last-applied value equals the live one. */
function deepEqual(applied: unknown, live: unknown, path: Path): boolean {
  if (applied === undefined) return false;
  return atomicEqual(applied, live, path) && atomicEqual(live, applied, path);
}
