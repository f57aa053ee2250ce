import { describeRef, groupOf, isKubeObject, isPlainObject, refKey, refOf } from '../kube/object.ts';
import type { KubeObject } from '../kube/object.ts';
import type { ScopeTable } from '../kube/scope.ts';
import { comparePaths } from './paths.ts';
import { resolveTreeFolder } from './tree-folder.ts';
import type { DeclaredObject, DeclaredState, SourceFile, SourceProblem, SourceTree } from './types.ts';
import { parseJson, parseYaml } from './yaml.ts';
import type { ParsedDocument } from './yaml.ts';

export interface ReadManifestsOptions {
  /** Folder of the tree holding the manifests; '' or '.' (the default) reads the whole tree. */
  path?: string;
  /** Decides where objects without a namespace live; CRDs declared in the tree are taught to it. */
  scope: ScopeTable;
}

export interface DeclaredFromFilesOptions {
  /** Decides where objects without a namespace live; CRDs declared in the files are taught to it. */
  scope: ScopeTable;
  /** Where namespaced objects without a namespace go; `default`, as `kubectl apply` without `-n`, when absent. */
  defaultNamespace?: string;
}

/** Manifest files to parse, with the problems met while choosing them (tree problems, a folder not found). */
export interface ManifestFiles {
  location: string;
  commit?: string;
  files: SourceFile[];
  problems: SourceProblem[];
}

const MANIFEST_SUFFIXES = ['.yaml', '.yml', '.json'];
const CRD_GROUP = 'apiextensions.k8s.io';
const CRD_KIND = 'CustomResourceDefinition';
const DEFAULT_NAMESPACE = 'default';
const utf8 = new TextDecoder('utf-8');

/**
 * Reads the declared objects of a tree: every `*.yaml`, `*.yml` and `*.json` file under `path`, in path order,
 * multi-document YAML and `*List` kinds expanded. A broken file is a problem and the others are still read.
 */
export function readManifests(tree: SourceTree, options: ReadManifestsOptions): DeclaredState {
  return declaredFromFiles(plainManifestFiles(tree, options.path), { scope: options.scope });
}

/** The plain manifest files of a folder of the tree, in path order, with the tree's problems. */
export function plainManifestFiles(tree: SourceTree, path: string | undefined): ManifestFiles {
  const problems: SourceProblem[] = [...tree.problems];
  const files = manifestFiles(tree, path, problems);
  return { location: tree.location, ...(tree.commit !== undefined ? { commit: tree.commit } : {}), files, problems };
}

/** Parses manifest files (plain, or what a renderer printed) into declared objects, namespaces defaulted. */
export function declaredFromFiles(input: ManifestFiles, options: DeclaredFromFilesOptions): DeclaredState {
  const problems: SourceProblem[] = [...input.problems];
  const candidates = input.files.flatMap((file) => readManifestFile(file, problems));
  teachDeclaredScopes(candidates, options.scope);
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const placed = candidates.filter((declared) => placeInNamespace(declared, options.scope, defaultNamespace, problems));
  const state: DeclaredState = {
    location: input.location,
    objects: withoutDuplicates(placed, problems),
    problems,
    fileCount: input.files.length,
  };
  if (input.commit !== undefined) state.commit = input.commit;
  return state;
}

function manifestFiles(tree: SourceTree, path: string | undefined, problems: SourceProblem[]): SourceFile[] {
  const folder = resolveTreeFolder(tree, path);
  const inFolder = tree.files.filter((file) => folder === '' || file.path.startsWith(`${folder}/`));
  if (folder !== '' && inFolder.length === 0) {
    // Reading nothing would report every live object as unmanaged: say the path is wrong instead.
    problems.push({ file: folder, message: `folder not found in ${tree.location}`, severity: 'error' });
  }
  return inFolder
    .filter((file) => MANIFEST_SUFFIXES.some((suffix) => file.path.endsWith(suffix)))
    .sort((a, b) => comparePaths(a.path, b.path));
}

function readManifestFile(file: SourceFile, problems: SourceProblem[]): DeclaredObject[] {
  const text = utf8.decode(file.content);
  const parsed = file.path.endsWith('.json') ? parseJson(text) : parseYaml(text);
  if (!parsed.ok) {
    const message = `syntax error: ${parsed.error.reason}`;
    const problem: SourceProblem = { file: file.path, message, severity: 'error' };
    if (parsed.error.line !== undefined) problem.line = parsed.error.line;
    problems.push(problem);
    return [];
  }
  return parsed.documents.flatMap((document) => objectsOf(document.value, file.path, document, problems));
}

/** A document's objects: itself, or the items of a `List` / `*List` (recursively), each at the document's line. */
function objectsOf(
  value: unknown,
  file: string,
  document: ParsedDocument,
  problems: SourceProblem[],
): DeclaredObject[] {
  if (value === null || value === undefined) return [];
  const items = listItems(value);
  if (items !== undefined) return items.flatMap((item) => objectsOf(item, file, document, problems));
  if (isKubeObject(value)) return [{ object: value, file, line: document.line }];
  problems.push({
    file,
    line: document.line,
    message: `document skipped: ${missingIdentity(value)}`,
    severity: 'warning',
  });
  return [];
}

/** Like kubectl: a kind ending in `List` with an `items` array is a list. */
function listItems(value: unknown): unknown[] | undefined {
  if (!isPlainObject(value)) return undefined;
  const kind = value['kind'];
  const items = value['items'];
  if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(items)) return undefined;
  return items;
}

function missingIdentity(value: unknown): string {
  if (!isPlainObject(value)) return 'not a mapping';
  const metadata = value['metadata'];
  const missing = [
    typeof value['apiVersion'] === 'string' ? undefined : 'apiVersion',
    typeof value['kind'] === 'string' ? undefined : 'kind',
    isPlainObject(metadata) && typeof metadata['name'] === 'string' ? undefined : 'metadata.name',
  ].filter((field) => field !== undefined);
  return `no ${missing.join(', ')}`;
}

/** CRDs declared alongside their custom resources decide those resources' scope before namespaces are defaulted. */
function teachDeclaredScopes(candidates: DeclaredObject[], scope: ScopeTable): void {
  for (const { object } of candidates) {
    if (groupOf(object.apiVersion) !== CRD_GROUP || object.kind !== CRD_KIND) continue;
    const spec = object['spec'];
    if (!isPlainObject(spec) || !isPlainObject(spec['names'])) continue;
    const group = spec['group'];
    const kind = spec['names']['kind'];
    const crdScope = spec['scope'];
    if (typeof group !== 'string' || typeof kind !== 'string') continue;
    if (crdScope === 'Cluster' || crdScope === 'Namespaced') scope.set(group, kind, crdScope === 'Cluster');
  }
}

/**
 * Namespaced objects without a namespace go to the default namespace (`default`, as kubectl apply would without
 * `-n`; a Helm release's namespace for a chart); cluster-scoped
 * objects lose a declared namespace, which the API server ignores too. Returns false when the object is unusable.
 */
function placeInNamespace(
  declared: DeclaredObject,
  scope: ScopeTable,
  defaultNamespace: string,
  problems: SourceProblem[],
): boolean {
  const { object, file, line } = declared;
  const namespace: unknown = object.metadata.namespace;
  const hasNamespace = namespace !== undefined && namespace !== null && namespace !== '';
  if (scope.isClusterScoped(groupOf(object.apiVersion), object.kind)) {
    delete object.metadata.namespace;
    if (hasNamespace) {
      const message = `${describe(object)} is cluster-scoped; its namespace is ignored`;
      problems.push({ file, line, message, severity: 'warning' });
    }
    return true;
  }
  if (!hasNamespace) {
    object.metadata.namespace = defaultNamespace;
    return true;
  }
  if (typeof namespace === 'string') return true;
  const message = `${describe(object)} skipped: metadata.namespace is not a string`;
  problems.push({ file, line, message, severity: 'warning' });
  return false;
}

function describe(object: KubeObject): string {
  return describeRef(refOf(object));
}

/** The same object declared twice is an error naming both places; the first declaration is kept. */
function withoutDuplicates(declared: DeclaredObject[], problems: SourceProblem[]): DeclaredObject[] {
  const seen = new Map<string, DeclaredObject>();
  for (const current of declared) {
    const ref = refOf(current.object);
    const key = refKey(ref);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, current);
      continue;
    }
    const places = `${first.file}:${first.line} and ${current.file}:${current.line}`;
    const message = `${describeRef(ref)} is declared twice: ${places}; the first is kept`;
    problems.push({ file: current.file, line: current.line, message, severity: 'error' });
  }
  return [...seen.values()];
}
