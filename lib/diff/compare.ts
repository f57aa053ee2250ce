import { isPlainObject } from '../kube/object.ts';
import type { FieldRules } from './field-rules.ts';
import type { KeyedStrategy } from './list-strategy.ts';
import { itemKey, sameKey } from './list-strategy.ts';
import type { Owner, OwnershipNode } from './ownership.ts';
import { pickOwner } from './ownership.ts';
import type { FieldPlace, Path, PathSegment } from './path.ts';
import type { TrustPolicy } from './trust.ts';
import { isEmptyValue, scalarsEqual } from './values.ts';

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
  /** The field rules of the object's kind (field-rules.ts): server-set fields, defaults, exemptions, list keys. */
  rules: FieldRules;
  trust: TrustPolicy;
  /** Ownership tree from managedFields; undefined when the live object has none. */
  ownership?: OwnershipNode;
  /** The parsed last-applied annotation (client-side apply), when present. */
  lastApplied?: unknown;
  /** Paths excluded by ignore rules. */
  isIgnored: (path: Path) => boolean;
}

/** Compares a declared object with its live twin, field by field, and returns what drifted. */
export function compareObjects(declared: unknown, live: unknown, options: CompareOptions): RawChange[] {
  const comparer = new Comparer(options);
  comparer.compare(declared, live, { own: options.ownership, applied: options.lastApplied });
  return comparer.result();
}

/**
 * The walk's current place, one stack for the whole walk: a step pushes its segment (and its field name), the way back
 * pops it, so no step copies the path before it (issue 12: those copies were much of the GC's share of an audit).
 * A change copies the path once, when it is recorded. The walk does not throw, so enter/leave need no `finally`.
 */
class WalkPlace implements FieldPlace {
  readonly path: PathSegment[] = [];
  readonly names: string[] = [];

  enter(segment: PathSegment): void {
    this.path.push(segment);
    if ('field' in segment) this.names.push(segment.field);
  }

  leave(): void {
    const segment = this.path.pop();
    if (segment && 'field' in segment) this.names.pop();
  }

  /** The last field name and the one before it, for scalar equality ('' when none). */
  field(): string {
    return this.names[this.names.length - 1] ?? '';
  }

  parentField(): string {
    return this.names[this.names.length - 2] ?? '';
  }

  copy(): Path {
    return this.path.slice();
  }
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
  private readonly rules: FieldRules;
  private readonly place = new WalkPlace();

  constructor(options: CompareOptions) {
    this.options = options;
    this.rules = options.rules;
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

  /** Compares the values at the current place. */
  compare(declared: unknown, live: unknown, trail: Trail): void {
    if (this.skipped() || declared === null || declared === undefined) return;
    for (const owner of trail.own?.owners ?? [])
      if (owner.operation === 'Apply') this.declaredAppliers.add(owner.manager);
    if (live === null || live === undefined) {
      if (!isEmptyValue(declared) && !isOmittedZero(declared))
        this.changes.push({ path: this.place.copy(), reason: 'absent-live', declared });
      return;
    }
    if (isPlainObject(declared) && isPlainObject(live)) {
      this.compareMaps(declared, live, trail);
      return;
    }
    if (Array.isArray(declared) && Array.isArray(live)) {
      this.compareLists(declared, live, trail);
      return;
    }
    if (isPlainObject(declared) || Array.isArray(declared) || isPlainObject(live) || Array.isArray(live)) {
      if (!(isEmptyValue(declared) && isEmptyValue(live))) this.differs(declared, live, trail);
      return;
    }
    if (!scalarsEqual(declared, live, this.place.field(), this.place.parentField()))
      this.differs(declared, live, trail);
  }

  private compareMaps(declared: Record<string, unknown>, live: Record<string, unknown>, trail: Trail): void {
    for (const [name, value] of Object.entries(declared)) {
      const own = trail.own?.field(name);
      this.place.enter({ field: name });
      this.compare(value, live[name], childTrail(trail, own, fieldOf(trail.applied, name)));
      this.place.leave();
    }
    for (const [name, value] of Object.entries(live)) {
      if (name in declared) continue;
      const own = trail.own?.field(name);
      this.place.enter({ field: name });
      this.liveOnly(value, childTrail(trail, own, fieldOf(trail.applied, name)), live);
      this.place.leave();
    }
  }

  private compareLists(declared: unknown[], live: unknown[], trail: Trail): void {
    const strategy = this.rules.listStrategy(this.place);
    if (strategy.type === 'keyed' && declared.every((item) => itemKey(item, strategy))) {
      this.compareKeyedLists(declared, live, trail, strategy);
    } else if (strategy.type === 'set') {
      this.compareSets(declared, live, trail);
    } else if (!atomicEqual(declared, live, this.place.field(), this.place.parentField()))
      this.differs(declared, live, trail);
  }

  private compareKeyedLists(declared: unknown[], live: unknown[], trail: Trail, strategy: KeyedStrategy): void {
    const matched = new Set<number>();
    for (const item of declared) {
      const key = itemKey(item, strategy);
      if (!key) continue;
      const liveIndex = live.findIndex((candidate, index) => !matched.has(index) && keyOf(candidate, strategy, key));
      if (liveIndex < 0) {
        this.place.enter({ key });
        if (!this.skipped()) this.changes.push({ path: this.place.copy(), reason: 'absent-live', declared: item });
        this.place.leave();
        continue;
      }
      matched.add(liveIndex);
      const liveItem = live[liveIndex];
      const own = isPlainObject(liveItem) ? trail.own?.item(liveItem, liveIndex) : undefined;
      this.place.enter({ key });
      this.compare(item, liveItem, childTrail(trail, own, appliedItem(trail.applied, strategy, key)));
      this.place.leave();
    }
    live.forEach((liveItem, index) => {
      if (matched.has(index)) return;
      this.liveOnlyItem(liveItem, index, trail, strategy);
    });
  }

  private compareSets(declared: unknown[], live: unknown[], trail: Trail): void {
    const liveMembers = new Set(live.map((member) => JSON.stringify(member)));
    if (declared.some((member) => !liveMembers.has(JSON.stringify(member)))) this.differs(declared, live, trail);
    const declaredMembers = new Set(declared.map((member) => JSON.stringify(member)));
    live.forEach((member, index) => {
      if (declaredMembers.has(JSON.stringify(member))) return;
      this.liveOnlyMember(member, index, trail);
    });
  }

  /** A value at the current place that only the live object has. */
  private liveOnly(live: unknown, trail: Trail, parent: Record<string, unknown>): void {
    if (isEmptyValue(live) || this.skipped()) return;
    if (this.rules.isLiveOnlyExempt(this.place) || this.rules.isDefault(this.place, live, parent)) return;
    if (isPlainObject(live)) {
      for (const [name, value] of Object.entries(live)) {
        const own = trail.own?.field(name);
        this.place.enter({ field: name });
        this.liveOnly(value, childTrail(trail, own, fieldOf(trail.applied, name)), live);
        this.place.leave();
      }
      return;
    }
    if (Array.isArray(live)) {
      const strategy = this.rules.listStrategy(this.place);
      if (strategy.type === 'keyed' && live.every((item) => itemKey(item, strategy))) {
        live.forEach((item, index) => {
          this.liveOnlyItem(item, index, trail, strategy);
        });
        return;
      }
      if (strategy.type === 'set') {
        live.forEach((member, index) => {
          this.liveOnlyMember(member, index, trail);
        });
        return;
      }
    }
    this.judgeLiveOnly(live, trail, deepEqual(trail.applied, live, this.place.field(), this.place.parentField()));
  }

  private liveOnlyItem(item: unknown, index: number, trail: Trail, strategy: KeyedStrategy): void {
    const key = itemKey(item, strategy);
    const segment: PathSegment = key ? { key } : { index };
    const own = isPlainObject(item) ? trail.own?.item(item, index) : undefined;
    const applied = key ? appliedItem(trail.applied, strategy, key) : undefined;
    this.place.enter(segment);
    this.judgeLiveOnly(item, childTrail(trail, own, applied), applied !== undefined);
    this.place.leave();
  }

  private liveOnlyMember(member: unknown, index: number, trail: Trail): void {
    const applied =
      Array.isArray(trail.applied) && trail.applied.some((entry) => JSON.stringify(entry) === JSON.stringify(member));
    this.place.enter({ index });
    this.judgeLiveOnly(member, childTrail(trail, trail.own?.member(member), undefined), applied);
    this.place.leave();
  }

  /** A live-only value is drift when a foreign manager wrote it, or when the applier did and Git no longer has it. */
  private judgeLiveOnly(live: unknown, trail: Trail, inLastApplied: boolean): void {
    if (this.skipped() || this.rules.isLiveOnlyExempt(this.place)) return;
    const owners = trail.own?.subtreeOwners() ?? [];
    const foreign = owners.filter((owner) => !this.options.trust(owner));
    if (foreign.length > 0) {
      this.changes.push(
        withOwner({ path: this.place.copy(), reason: 'live-only', live }, pickOwner(foreign, this.options.trust)),
      );
      return;
    }
    const appliers = owners.filter((owner) => owner.operation === 'Apply');
    if (inLastApplied) {
      this.changes.push(
        withOwner(
          { path: this.place.copy(), reason: 'removed-from-git', live },
          pickOwner(appliers.length > 0 ? appliers : owners, this.options.trust),
        ),
      );
      return;
    }
    if (appliers.length === 0) return;
    const change = withOwner(
      { path: this.place.copy(), reason: 'removed-from-git', live },
      pickOwner(appliers, this.options.trust),
    );
    this.changes.push(change);
    this.pendingAppliers.set(
      change,
      appliers.map((owner) => owner.manager),
    );
  }

  private differs(declared: unknown, live: unknown, trail: Trail): void {
    const owners = trail.own ? trail.own.subtreeOwners() : (trail.inherited ?? []);
    this.changes.push(
      withOwner({ path: this.place.copy(), reason: 'differs', declared, live }, pickOwner(owners, this.options.trust)),
    );
  }

  private skipped(): boolean {
    return this.rules.isServerSet(this.place) || this.options.isIgnored(this.place.path);
  }
}

function withOwner(change: RawChange, owner: Owner | undefined): RawChange {
  return owner ? { ...change, owner } : change;
}

function keyOf(candidate: unknown, strategy: KeyedStrategy, key: Record<string, string | number | boolean>): boolean {
  const candidateKey = itemKey(candidate, strategy);
  return candidateKey !== undefined && sameKey(key, candidateKey);
}

function appliedItem(
  applied: unknown,
  strategy: KeyedStrategy,
  key: Record<string, string | number | boolean>,
): unknown {
  if (!Array.isArray(applied)) return undefined;
  return applied.find((candidate) => keyOf(candidate, strategy, key));
}

/**
 * Atomic values compare whole, but a declared map inside them still matches a live map that only adds
 * defaults (protocol TCP inside Endpoints subsets): declared fields must match, live-only ones are defaults.
 * `field` and `parent` are the last two field names of the values' path (scalar equality reads them); a list step
 * keeps them, a field step shifts them.
 */
function atomicEqual(declared: unknown, live: unknown, field: string, parent: string): boolean {
  if (isEmptyValue(declared) && isEmptyValue(live)) return true;
  if (Array.isArray(declared) && Array.isArray(live)) {
    return (
      declared.length === live.length && declared.every((item, index) => atomicEqual(item, live[index], field, parent))
    );
  }
  if (isPlainObject(declared) && isPlainObject(live)) {
    return Object.entries(declared).every(([name, value]) => {
      if (value === null || value === undefined) return true;
      const liveValue = live[name];
      if (liveValue === undefined || liveValue === null) return isEmptyValue(value) || isOmittedZero(value);
      return atomicEqual(value, liveValue, name, field);
    });
  }
  if (isPlainObject(declared) || Array.isArray(declared) || isPlainObject(live) || Array.isArray(live)) return false;
  return scalarsEqual(declared, live, field, parent);
}

/** Exact equality up to empty values, quantities and int-or-string: a last-applied value equals the live one. */
function deepEqual(applied: unknown, live: unknown, field: string, parent: string): boolean {
  if (applied === undefined) return false;
  return atomicEqual(applied, live, field, parent) && atomicEqual(live, applied, field, parent);
}
