import { dirname, join, posix } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { describeFsError } from '../io/fs-error.ts';
import { isPlainObject } from '../kube/object.ts';
import type { ScopeTable } from '../kube/scope.ts';
import { declaredFromFiles, plainManifestFiles } from '../source/manifests.ts';
import type { ManifestFiles } from '../source/manifests.ts';
import { resolveTreeFolder } from '../source/tree-folder.ts';
import type { DeclaredState, SourceFile, SourceProblem, SourceTree } from '../source/types.ts';
import { parseYaml } from '../source/yaml.ts';
import { detectRenderer, filesIn, isKustomizationFile, renderedFoldersBelow } from './detect.ts';
import type { RendererType } from './detect.ts';
import { RenderError } from './error.ts';
import { execRenderer } from './exec.ts';
import type { ExecLimits } from './exec.ts';
import { locateRenderer } from './locate.ts';
import type { Renderer } from './locate.ts';
import { refuseRemoteKustomizeInputs } from './refuse.ts';
import type { HelmRenderOptions, RenderInfo, RenderRequest } from './types.ts';
import { openWorkspace } from './workspace.ts';
import type { RenderWorkspace } from './workspace.ts';

/** The manifest files of one cluster path, plain or rendered, and how they were produced. */
export interface PreparedManifests extends ManifestFiles {
  /** The folder of the tree, as resolved (see resolveTreeFolder). */
  folder: string;
  info: RenderInfo;
  /** Where namespaced objects without a namespace go: the Helm release's namespace for a chart. */
  defaultNamespace?: string;
  /** The Helm settings the chart was rendered with, the live cluster's versions included: a repair must repeat them. */
  helm?: HelmRenderOptions;
}

const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
const DEFAULT_HELM_NAMESPACE = 'default';

/**
 * The manifests of a cluster path as Argo CD and Flux see them: a kustomization is built with kustomize, a chart
 * templated with Helm, anything else read as plain YAML (recursively). A render that cannot be done throws a
 * RenderError: the caller reports a failed source, never an empty declared state.
 */
export async function prepareManifests(
  tree: SourceTree,
  path: string | undefined,
  request: RenderRequest,
): Promise<PreparedManifests> {
  const folder = resolveTreeFolder(tree, path);
  const type = detectRenderer(tree, folder);
  if (type === 'plain') return preparePlain(tree, folder);
  try {
    return await prepareRendered(tree, folder, type, request);
  } catch (error) {
    if (error instanceof RenderError) throw error.renderer ? error : new RenderError(error.message, type);
    throw new RenderError(`${folder || '.'}: cannot prepare the ${type} render: ${describeFsError(error)}`, type);
  }
}

async function prepareRendered(
  tree: SourceTree,
  folder: string,
  type: Exclude<RendererType, 'plain'>,
  request: RenderRequest,
): Promise<PreparedManifests> {
  const renderer = locateRenderer(
    type,
    folder,
    request.settings.path !== undefined ? { configured: request.settings.path } : {},
  );
  const limits: ExecLimits = {
    timeoutMs: request.settings.timeoutSeconds * 1000,
    maxOutputBytes: request.settings.maxOutputBytes,
    memoryMiB: request.settings.memoryMiB,
  };
  const base = {
    location: tree.location,
    ...(tree.commit !== undefined ? { commit: tree.commit } : {}),
    problems: [...tree.problems],
    folder,
  };
  if (type === 'kustomize') refuseRemoteKustomizeInputs(tree, folder);
  const workspace = await openWorkspace(tree, searchPath(renderer));
  try {
    const tool = { name: renderer.name, versions: await toolVersions(renderer, workspace, limits) };
    if (type === 'kustomize') {
      const text = await renderKustomize(renderer, workspace, tree, folder, request, limits);
      const name = filesIn(tree, folder).find(isKustomizationFile) ?? 'kustomization.yaml';
      return {
        ...base,
        files: [{ path: joinTree(folder, name), content: Buffer.from(text) }],
        info: { renderer: type, tool },
      };
    }
    const chart = chartOf(tree, folder);
    const helm = await withCapabilities(request, asksForApiVersions(tree, folder));
    const release = { name: helm.releaseName ?? chart.name, namespace: helm.namespace ?? DEFAULT_HELM_NAMESPACE };
    const text = await renderHelm(
      renderer,
      workspace,
      tree,
      folder,
      { ...helm, releaseName: release.name, namespace: release.namespace },
      limits,
    );
    const info: RenderInfo = { renderer: type, tool, chart, release };
    return {
      ...base,
      files: splitHelmOutput(text, folder),
      info,
      defaultNamespace: release.namespace,
      helm: { ...helm, releaseName: release.name, namespace: release.namespace },
    };
  } finally {
    await workspace.dispose();
  }
}

/**
 * Declared objects from prepared manifests. Helm hooks are left out, as Argo CD and Helm leave them out of the
 * release's resources: they run at install time and are often deleted after.
 */
export function declarePrepared(prepared: PreparedManifests, scope: ScopeTable): DeclaredState {
  const declared = declaredFromFiles(prepared, {
    scope,
    ...(prepared.defaultNamespace ? { defaultNamespace: prepared.defaultNamespace } : {}),
  });
  if (prepared.info.renderer === 'plain') return declared;
  const hooks = declared.objects.filter(
    ({ object }) => object.metadata.annotations?.[HELM_HOOK_ANNOTATION] !== undefined,
  );
  if (hooks.length === 0) return declared;
  const problem: SourceProblem = {
    file: prepared.folder || '.',
    message: `${hooks.length} Helm hook object(s) left out of the declared state (${HELM_HOOK_ANNOTATION}), as Argo CD and Helm do`,
    severity: 'warning',
  };
  return {
    ...declared,
    objects: declared.objects.filter((object) => !hooks.includes(object)),
    problems: [...declared.problems, problem],
  };
}

function preparePlain(tree: SourceTree, folder: string): PreparedManifests {
  const files = plainManifestFiles(tree, folder);
  // A kustomization or chart below a plain folder is read as plain YAML, as Argo CD's directory source does; say so,
  // since its patches then read as whole objects.
  for (const below of renderedFoldersBelow(tree, folder)) {
    files.problems.push({
      file: below.folder,
      message: `holds a ${below.type === 'helm' ? 'Helm chart' : 'kustomization'} but is read as plain YAML because the cluster path is ${folder || '.'}: point the path at ${below.folder} to render it`,
      severity: 'warning',
    });
  }
  return { ...files, folder, info: { renderer: 'plain' } };
}

/** The dwrender personalities (renderer/main.go): `dwrender kustomize …`, `dwrender helm …`. */
function argsFor(renderer: Renderer, tool: 'kustomize' | 'helm', args: string[]): string[] {
  return renderer.name === 'dwrender' ? [tool, ...args] : args;
}

function searchPath(renderer: Renderer): string[] {
  return [dirname(renderer.path), ...(renderer.name === 'kustomize' && renderer.helm ? [dirname(renderer.helm)] : [])];
}

async function renderKustomize(
  renderer: Renderer,
  workspace: RenderWorkspace,
  tree: SourceTree,
  folder: string,
  request: RenderRequest,
  limits: ExecLimits,
): Promise<string> {
  const options = request.kustomize ?? {};
  const args = [
    'build',
    join(workspace.root, folder),
    '--load-restrictor',
    options.loadRestrictor ?? 'LoadRestrictionsRootOnly',
  ];
  if (options.enableHelm) {
    // dwrender is helm when called with helm's arguments, so kustomize's generator can run it as its helm command.
    const helm =
      renderer.name === 'dwrender' ? renderer.path : renderer.name === 'kustomize' ? renderer.helm : undefined;
    if (helm === undefined)
      throw new RenderError(
        `${folder || '.'}: kustomize.enableHelm needs helm, and none was found next to kustomize or on PATH`,
      );
    args.push('--enable-helm', '--helm-command', helm);
  }
  const what = `${folder || '.'}: kustomize build`;
  return execRenderer({
    program: renderer.path,
    args: argsFor(renderer, 'kustomize', args),
    cwd: workspace.root,
    env: workspace.env,
    limits,
    what,
    root: workspace.root,
    secrets: secretGeneratorInputs(tree),
  });
}

async function renderHelm(
  renderer: Renderer,
  workspace: RenderWorkspace,
  tree: SourceTree,
  folder: string,
  helm: HelmRenderOptions & { releaseName: string; namespace: string },
  limits: ExecLimits,
): Promise<string> {
  const args = ['template', helm.releaseName, join(workspace.root, folder), '--namespace', helm.namespace];
  if (helm.includeCrds ?? true) args.push('--include-crds');
  if (helm.skipTests ?? true) args.push('--skip-tests');
  for (const [index, file] of (helm.valueFiles ?? []).entries())
    args.push('--values', await valuesFilePath(workspace, tree, folder, file, index));
  if (helm.values !== undefined && Object.keys(helm.values).length > 0) {
    // JSON is YAML: the inline values go after the files, as Argo CD passes `valuesObject`.
    const inline = join(workspace.scratch, 'inline-values.json');
    await writeFile(inline, JSON.stringify(helm.values), { mode: 0o600 });
    args.push('--values', inline);
  }
  for (const value of helm.set ?? []) args.push('--set', value);
  for (const value of helm.setString ?? []) args.push('--set-string', value);
  if (helm.kubeVersion) args.push('--kube-version', helm.kubeVersion);
  for (const apiVersion of helm.apiVersions ?? []) args.push('--api-versions', apiVersion);
  const what = `${folder || '.'}: helm template`;
  return execRenderer({
    program: renderer.path,
    args: argsFor(renderer, 'helm', args),
    cwd: workspace.root,
    env: workspace.env,
    limits,
    what,
    root: workspace.root,
  });
}

async function valuesFilePath(
  workspace: RenderWorkspace,
  tree: SourceTree,
  folder: string,
  file: NonNullable<HelmRenderOptions['valueFiles']>[number],
  index: number,
): Promise<string> {
  if ('content' in file) {
    const path = join(workspace.scratch, `values-${index}.yaml`);
    await writeFile(path, file.content, { mode: 0o600 });
    return path;
  }
  // Relative to the chart folder, as Argo CD reads `valueFiles`; never outside the tree.
  const inTree = posix.normalize(posix.join(folder, file.path));
  if (
    inTree.startsWith('..') ||
    posix.isAbsolute(file.path) ||
    !tree.files.some((candidate) => candidate.path === inTree)
  ) {
    throw new RenderError(
      `${folder || '.'}: helm values file ${file.path} is not in the source (paths are relative to the chart folder)`,
    );
  }
  return join(workspace.root, inTree);
}

/**
 * Kube and API versions from the live cluster, unless the config names them (cluster mode only). The API versions
 * are passed only to a chart that asks for them: they change nothing else, and the repair command stays short.
 */
async function withCapabilities(request: RenderRequest, asksForApiVersions: boolean): Promise<HelmRenderOptions> {
  const helm = request.helm ?? {};
  if (helm.kubeVersion !== undefined || request.capabilities === undefined) return helm;
  const capabilities = await request.capabilities();
  if (capabilities === undefined) return helm;
  const apiVersions = asksForApiVersions
    ? [...(helm.apiVersions ?? []), ...capabilities.apiVersions]
    : helm.apiVersions;
  return { ...helm, kubeVersion: capabilities.kubeVersion, ...(apiVersions ? { apiVersions } : {}) };
}

/** True when a template of the chart (or of a packed subchart, which cannot be read here) may read .Capabilities.APIVersions. */
function asksForApiVersions(tree: SourceTree, folder: string): boolean {
  const prefix = folder === '' ? '' : `${folder}/`;
  return tree.files.some(
    (file) => file.path.startsWith(prefix) && (file.path.endsWith('.tgz') || file.content.includes('APIVersions')),
  );
}

/**
 * What a kustomization's secretGenerator turns into Secret values: its literals (and their values) and the lines of
 * the env files and files it reads. kustomize quotes a malformed input in its error ("invalid literal source …"),
 * so these are masked out of every render error.
 */
function secretGeneratorInputs(tree: SourceTree): string[] {
  const inputs: string[] = [];
  for (const file of tree.files) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (!isKustomizationFile(name)) continue;
    const parsed = parseYaml(file.content.toString('utf8'));
    const kustomization = parsed.ok ? parsed.documents[0]?.value : undefined;
    const generators = isPlainObject(kustomization) ? kustomization['secretGenerator'] : undefined;
    if (!Array.isArray(generators)) continue;
    const folder = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
    for (const generator of generators) {
      if (!isPlainObject(generator)) continue;
      for (const literal of stringsOf(generator['literals']))
        inputs.push(literal, literal.slice(literal.indexOf('=') + 1));
      for (const entry of [...stringsOf(generator['envs']), ...stringsOf(generator['files'])]) {
        const path = posix.normalize(posix.join(folder, entry.slice(entry.indexOf('=') + 1)));
        const content = tree.files.find((candidate) => candidate.path === path)?.content.toString('utf8') ?? '';
        for (const line of content.split('\n').map((each) => each.trim()))
          inputs.push(line, line.slice(line.indexOf('=') + 1));
      }
    }
  }
  return inputs;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function chartOf(tree: SourceTree, folder: string): { name: string; version: string } {
  const file = tree.files.find((candidate) => candidate.path === joinTree(folder, 'Chart.yaml'));
  const parsed = file ? parseYaml(file.content.toString('utf8')) : undefined;
  const chart = parsed?.ok ? parsed.documents[0]?.value : undefined;
  if (!isPlainObject(chart) || typeof chart['name'] !== 'string') {
    throw new RenderError(`${joinTree(folder, 'Chart.yaml')}: not a chart file with a name`);
  }
  return {
    name: chart['name'],
    version: typeof chart['version'] === 'string' ? chart['version'] : String(chart['version'] ?? ''),
  };
}

/**
 * `helm template` prints `# Source: <chart>/templates/x.yaml` before each document: each becomes a file of its own,
 * named by its path in the tree, so reports say which template an object came from.
 */
export function splitHelmOutput(text: string, folder: string): SourceFile[] {
  const byFile = new Map<string, string[]>();
  for (const chunk of text.split(/^---[ \t]*$/m)) {
    if (chunk.trim() === '') continue;
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim();
    const inChart = source === undefined ? 'rendered.yaml' : source.slice(source.indexOf('/') + 1);
    const path = joinTree(folder, inChart);
    const chunks = byFile.get(path) ?? [];
    chunks.push(chunk);
    byFile.set(path, chunks);
  }
  return [...byFile.entries()].map(([path, chunks]) => ({ path, content: Buffer.from(chunks.join('---\n')) }));
}

const versionCache = new Map<string, Promise<Record<string, string>>>();

/** What the renderer says its versions are (`dwrender versions`, `kustomize version`, `helm version`), once per program. */
function toolVersions(
  renderer: Renderer,
  workspace: RenderWorkspace,
  limits: ExecLimits,
): Promise<Record<string, string>> {
  const cached = versionCache.get(renderer.path);
  if (cached) return cached;
  const run = (args: string[]): Promise<string> =>
    execRenderer({
      program: renderer.path,
      args,
      cwd: workspace.root,
      env: workspace.env,
      limits,
      what: `${renderer.path} version`,
    }).then((out) => out.trim());
  const versions = (async (): Promise<Record<string, string>> => {
    if (renderer.name === 'kustomize') return { kustomize: await run(['version']) };
    if (renderer.name === 'helm') return { helm: await run(['version', '--template', '{{.Version}}']) };
    const parsed: unknown = JSON.parse(await run(['versions']));
    if (!isPlainObject(parsed)) throw new RenderError(`${renderer.path} versions: not a JSON object`);
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  })();
  versionCache.set(renderer.path, versions);
  versions.catch(() => versionCache.delete(renderer.path));
  return versions;
}

function joinTree(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}
