import { posix } from 'node:path';
import { isPlainObject } from '../kube/object.ts';
import { parseYaml } from '../source/yaml.ts';
import type { SourceTree } from '../source/types.ts';
import { filesIn, isKustomizationFile } from './detect.ts';
import { RenderError } from './error.ts';

/** Kustomization fields that name other files, folders or kustomizations (sigs.k8s.io/kustomize/api/types/kustomization.go). */
const REFERENCE_FIELDS = [
  'resources',
  'bases',
  'components',
  'generators',
  'transformers',
  'validators',
  'configurations',
  'crds',
] as const;
/** Fields whose local entries may be kustomization folders to follow. */
const FOLLOWED_FIELDS = new Set(['resources', 'bases', 'components', 'generators', 'transformers', 'validators']);
/** kustomize's default `helmGlobals.chartHome` (api/types/helmchartargs.go). */
const DEFAULT_CHART_HOME = 'charts';

/**
 * Refuses, before anything runs, what would make kustomize reach the network: a remote base or resource (a URL,
 * `git@…`, `github.com/…`, `?ref=`) that the tree does not hold, and a `helmCharts` chart that is not vendored under
 * its `chartHome`. The kustomizations reached from the root are followed through local folders.
 */
export function refuseRemoteKustomizeInputs(tree: SourceTree, root: string): void {
  const paths = new Set(tree.files.map((file) => file.path));
  const folders = foldersOf(paths);
  const visited = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop() ?? '';
    if (visited.has(folder)) continue;
    visited.add(folder);
    const name = filesIn(tree, folder).find(isKustomizationFile);
    if (name === undefined) continue;
    const file = folder === '' ? name : `${folder}/${name}`;
    const kustomization = parseKustomization(tree, file);
    if (kustomization === undefined) continue;
    for (const field of REFERENCE_FIELDS) {
      const entries = kustomization[field];
      if (!Array.isArray(entries)) continue;
      entries.forEach((entry: unknown, index) => {
        if (typeof entry !== 'string') return;
        const local = posix.normalize(posix.join(folder, entry));
        const held = paths.has(local) || folders.has(local);
        if (!held && looksRemote(entry)) {
          throw new RenderError(
            `${file}: ${field}[${index}] ${entry} is remote; driftwatch renders without network: vendor it into the repository`,
          );
        }
        if (held && FOLLOWED_FIELDS.has(field) && !local.startsWith('..')) pending.push(local);
      });
    }
    refuseUnvendoredCharts(kustomization, folder, file, paths);
  }
}

/** Every folder that holds a file, at any depth: `a/b/c.yaml` gives `a` and `a/b`. */
function foldersOf(paths: ReadonlySet<string>): Set<string> {
  const folders = new Set<string>();
  for (const path of paths) {
    for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1))
      folders.add(path.slice(0, slash));
  }
  return folders;
}

function parseKustomization(tree: SourceTree, file: string): Record<string, unknown> | undefined {
  const content = tree.files.find((candidate) => candidate.path === file)?.content;
  if (content === undefined) return undefined;
  const parsed = parseYaml(content.toString('utf8'));
  // A broken kustomization is kustomize's to report, with its own words.
  if (!parsed.ok) return undefined;
  const value = parsed.documents[0]?.value;
  return isPlainObject(value) ? value : undefined;
}

/** kustomize pulls a chart into chartHome when it is not there (api/internal/builtins/HelmChartInflationGenerator.go). */
function refuseUnvendoredCharts(
  kustomization: Record<string, unknown>,
  folder: string,
  file: string,
  paths: ReadonlySet<string>,
): void {
  const charts = kustomization['helmCharts'];
  if (!Array.isArray(charts)) return;
  const globals = kustomization['helmGlobals'];
  const chartHomeValue = isPlainObject(globals) ? globals['chartHome'] : undefined;
  const chartHome = posix.normalize(
    posix.join(folder, typeof chartHomeValue === 'string' ? chartHomeValue : DEFAULT_CHART_HOME),
  );
  charts.forEach((chart: unknown, index) => {
    if (!isPlainObject(chart) || typeof chart['name'] !== 'string') return;
    const name = chart['name'];
    const version = typeof chart['version'] === 'string' ? chart['version'] : undefined;
    const candidates = [
      `${chartHome}/${name}/Chart.yaml`,
      ...(version ? [`${chartHome}/${name}-${version}/${name}/Chart.yaml`] : []),
    ];
    if (candidates.some((candidate) => paths.has(candidate))) return;
    const where = typeof chart['repo'] === 'string' ? ` (repo ${chart['repo']})` : '';
    throw new RenderError(
      `${file}: helmCharts[${index}] ${name}${where} is not vendored under ${chartHome}/${name}; driftwatch renders without network: vendor the chart into the repository`,
    );
  });
}

function looksRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^git@/.test(entry) ||
    /^(?:github\.com|gitlab\.com|bitbucket\.org)[/:]/.test(entry) ||
    /[?&](?:ref|version|submodules|timeout)=/.test(entry)
  );
}
