import { readFile } from 'node:fs/promises';
import { isPlainObject } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import { withTypeMeta } from './items.ts';
import { objectKindKey } from '../kube/kinds.ts';
import type { LiveState } from './types.ts';
import { CAPTURED_AT_ANNOTATION, newestObservation, snapshotClock, snapshotClockAt } from './snapshot-clock.ts';
import { withCheckedManagedFields } from './managed-fields.ts';
import { describeFsError } from '../io/fs-error.ts';
import { MAX_JSON_DEPTH, exceedsJsonDepth, tooDeepReason } from '../io/json-depth.ts';
import { streamJsonItems } from '../io/json-stream.ts';
import { parseYaml } from '../source/yaml.ts';

/** A snapshot that cannot be read or parsed. The message names the file (and line) but never quotes its content. */
export class SnapshotError extends Error {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, problem: string) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'SnapshotError';
    this.file = file;
    this.line = line;
  }
}

export interface ReadSnapshotOptions {
  /** What the audit reads of the objects; absent: every object is kept whole. */
  reduce?: SnapshotReduction;
}

/**
 * Objects of the kinds in `fullKinds` are kept whole. The others still count for what the snapshot holds
 * (listedKinds, cluster scope, its clock, managedFields warnings) and are then dropped, or kept without the field
 * sets of their managedFields (`fieldsV1`: only the diff's ownership trees read them), as they stream in.
 */
export interface SnapshotReduction {
  fullKinds: ReadonlySet<string>;
  otherKinds: 'drop' | 'without-field-sets';
}

/**
 * Reads live state saved with `kubectl get ... -o yaml|json` (a List, `*List` kinds, single objects, multi-doc YAML).
 * A JSON object (what `-o json` prints) is streamed: never held as one string, each List item parsed on its own and
 * reduced at once. Anything else, and any JSON the stream does not take plainly, is read whole by parseSnapshot.
 */
export async function readSnapshot(path: string, options: ReadSnapshotOptions = {}): Promise<LiveState> {
  const streamed = await streamSnapshot(path, options);
  if (streamed) return streamed;
  const state = parseSnapshot(await readSnapshotText(path), path);
  const { reduce } = options;
  return reduce ? { ...state, objects: state.objects.flatMap((object) => reduced(object, reduce)) } : state;
}

/** The object as the audit needs it (see SnapshotReduction): whole, without field sets, or nothing. */
function reduced(object: KubeObject, reduce: SnapshotReduction): KubeObject[] {
  if (reduce.fullKinds.has(objectKindKey(object))) return [object];
  if (reduce.otherKinds === 'drop') return [];
  const { managedFields } = object.metadata;
  if (managedFields === undefined) return [object];
  return [
    {
      ...object,
      metadata: { ...object.metadata, managedFields: managedFields.map(({ fieldsV1: _fields, ...entry }) => entry) },
    },
  ];
}

/** Objects as they stream in, and what the snapshot holds besides them (kinds, scope evidence, clock, warnings). */
class SnapshotCollector {
  readonly objects: KubeObject[] = [];
  readonly warnings: string[] = [];
  readonly kinds = new Set<string>();
  readonly withNamespace = new Set<string>();
  readonly withoutNamespace = new Set<string>();
  newest = Number.NEGATIVE_INFINITY;
  /** Items without their own apiVersion and kind (a typed list's), and every item after one: typed at the end. */
  readonly pending: unknown[] = [];
  private readonly reduce: SnapshotReduction | undefined;

  constructor(reduce: SnapshotReduction | undefined) {
    this.reduce = reduce;
  }

  item(item: unknown): void {
    const typed = isPlainObject(item) && typeof item['apiVersion'] === 'string' && typeof item['kind'] === 'string';
    // With its own type meta, an item reads the same whatever the list turns out to be (withTypeMeta fills absent fields only).
    if (this.pending.length > 0 || !typed) this.pending.push(item);
    else this.add(objectsOf(item, undefined, undefined));
  }

  add(objects: KubeObject[]): void {
    const checked = withCheckedManagedFields(objects);
    this.warnings.push(...checked.warnings);
    for (const object of checked.objects) {
      const key = objectKindKey(object);
      this.kinds.add(key);
      (object.metadata.namespace ? this.withNamespace : this.withoutNamespace).add(key);
      this.newest = Math.max(this.newest, newestObservation(object));
      if (!this.reduce) this.objects.push(object);
      else this.objects.push(...reduced(object, this.reduce));
    }
  }
}

/** A streamed JSON snapshot; undefined when the file is not one the stream takes (YAML, invalid JSON, a top-level array). */
async function streamSnapshot(path: string, options: ReadSnapshotOptions): Promise<LiveState | undefined> {
  const collector = new SnapshotCollector(options.reduce);
  let result: Awaited<ReturnType<typeof streamJsonItems>>;
  try {
    result = await streamJsonItems(path, (item) => collector.item(item), { maxDepth: MAX_JSON_DEPTH });
  } catch (error) {
    if (error instanceof Error && 'code' in error)
      throw new SnapshotError(path, undefined, `cannot read snapshot (${describeFsError(error)})`);
    throw error;
  }
  if (result.status === 'too-deep') throw new SnapshotError(path, undefined, tooDeepReason(MAX_JSON_DEPTH));
  if (result.status === 'invalid') return undefined;
  const { header } = result;
  if (isList(header)) {
    const listKind = String(header['kind']);
    const itemKind = listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
    const apiVersion = itemKind && typeof header['apiVersion'] === 'string' ? header['apiVersion'] : undefined;
    for (const item of collector.pending) collector.add(objectsOf(item, apiVersion, itemKind));
  } else if (result.itemCount === 0) {
    // Nothing was framed: the header is the whole document (a single object).
    collector.add(objectsOf(header, undefined, undefined));
  } else {
    // An object named like a list (`kind: FooList` with metadata.name) whose items were framed: read it whole.
    return undefined;
  }
  const listedKinds = new Set([...collector.kinds, ...capturedKindsOf(header)]);
  const clusterScopedKinds = [...collector.withoutNamespace].filter((key) => !collector.withNamespace.has(key)).sort();
  const state: LiveState = {
    origin: path,
    objects: collector.objects,
    lists: [],
    complete: true,
    clusterScopedKinds,
    listedKinds: [...listedKinds].sort(),
  };
  const clock = snapshotClockAt(listAnnotation(header, CAPTURED_AT_ANNOTATION), collector.newest);
  if (clock) state.clock = clock;
  if (collector.warnings.length > 0) state.warnings = collector.warnings;
  return state;
}

/**
 * Annotation on a snapshot's List naming the kinds it captured, also those with no object left
 * (`Deployment.apps,ConfigMap,Role.rbac.authorization.k8s.io`): a deleted object of such a kind is missing.
 */
export const CAPTURED_KINDS_ANNOTATION = 'driftwatch.io/captured-kinds';

/** Pure counterpart of readSnapshot; `origin` names the source in errors and in `LiveState.origin`. */
export function parseSnapshot(text: string, origin: string): LiveState {
  const documents = parseDocuments(stripBom(text), origin);
  const { objects, warnings } = withCheckedManagedFields(
    documents.flatMap((document) => objectsOf(document, undefined, undefined)),
  );
  const listedKinds = new Set([...objects.map(objectKindKey), ...documents.flatMap(capturedKindsOf)]);
  const state: LiveState = {
    origin,
    objects,
    lists: [],
    complete: true,
    clusterScopedKinds: clusterScopedKindsOf(objects),
    listedKinds: [...listedKinds].sort(),
  };
  const clock = snapshotClock(
    documents.map((document) => listAnnotation(document, CAPTURED_AT_ANNOTATION)).find((value) => value !== undefined),
    objects,
  );
  if (clock) state.clock = clock;
  if (warnings.length > 0) state.warnings = warnings;
  return state;
}

function listAnnotation(document: unknown, name: string): string | undefined {
  if (!isPlainObject(document) || !isPlainObject(document['metadata'])) return undefined;
  const annotations = document['metadata']['annotations'];
  const value = isPlainObject(annotations) ? annotations[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** `Deployment.apps` → `apps/Deployment`, `ConfigMap` → `/ConfigMap`, from the List's captured-kinds annotation. */
function capturedKindsOf(document: unknown): string[] {
  const value = listAnnotation(document, CAPTURED_KINDS_ANNOTATION);
  if (value === undefined) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const dot = entry.indexOf('.');
      return dot < 0 ? `/${entry}` : `${entry.slice(dot + 1)}/${entry.slice(0, dot)}`;
    });
}

async function readSnapshotText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SnapshotError(path, undefined, `cannot read snapshot (${describeFsError(error)})`);
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function parseDocuments(text: string, origin: string): unknown[] {
  // `kubectl -o json` output: JSON.parse is faster and exact; anything it rejects goes through YAML for a located error.
  const json = tryParseJson(text, origin);
  if (json.parsed) return [json.value];
  // The manifests' parser: same scalars as kubectl, aliases that expand too far and nesting too deep are refused.
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new SnapshotError(origin, parsed.error.line, `invalid YAML: ${parsed.error.reason}`);
  return parsed.documents.map((document) => document.value);
}

function tryParseJson(text: string, origin: string): { parsed: true; value: unknown } | { parsed: false } {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return { parsed: false };
  if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) throw new SnapshotError(origin, undefined, tooDeepReason(MAX_JSON_DEPTH));
  try {
    return { parsed: true, value: JSON.parse(text) };
  } catch {
    return { parsed: false };
  }
}

/**
 * Objects of one document: the document itself, or the items of a List. Items of a typed list
 * (`DeploymentList`) get apiVersion/kind from the list; items of a plain `List` must carry their own.
 */
function objectsOf(document: unknown, apiVersion: string | undefined, kind: string | undefined): KubeObject[] {
  if (!isPlainObject(document)) return [];
  if (isList(document)) return listItemsOf(document);
  const object = withTypeMeta(document, apiVersion, kind);
  return object ? [object] : [];
}

function isList(document: Record<string, unknown>): boolean {
  const kind = document['kind'];
  const metadata = document['metadata'];
  const named = isPlainObject(metadata) && typeof metadata['name'] === 'string';
  // A named object whose kind happens to end in "List" is an object, not a list.
  return Array.isArray(document['items']) && typeof kind === 'string' && kind.endsWith('List') && !named;
}

function listItemsOf(list: Record<string, unknown>): KubeObject[] {
  const items = list['items'];
  if (!Array.isArray(items)) return [];
  const listKind = String(list['kind']);
  const itemKind = listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
  const apiVersion = itemKind && typeof list['apiVersion'] === 'string' ? list['apiVersion'] : undefined;
  return items.flatMap((item: unknown) => objectsOf(item, apiVersion, itemKind));
}

/** Kinds whose every object has no namespace: without discovery, the best evidence of cluster scope a snapshot has. */
function clusterScopedKindsOf(objects: KubeObject[]): string[] {
  const withoutNamespace = new Set<string>();
  const withNamespace = new Set<string>();
  for (const object of objects) {
    (object.metadata.namespace ? withNamespace : withoutNamespace).add(objectKindKey(object));
  }
  return [...withoutNamespace].filter((key) => !withNamespace.has(key)).sort();
}
