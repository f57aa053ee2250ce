import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '@kubernetes/client-node';

/** A kubeconfig that cannot be used (unreadable, invalid, unknown context). Never quotes the file's content. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

export interface KubeconfigSource {
  /** Path of a kubeconfig file. */
  kubeconfigPath?: string;
  /** Kubeconfig content; wins over kubeconfigPath. Neither: KUBECONFIG, ~/.kube/config, then in-cluster service account. */
  kubeconfigYaml?: string;
  /** Context to use instead of the kubeconfig's current-context. */
  context?: string;
}

export interface LoadedKubeconfig {
  kubeConfig: KubeConfig;
  contextName: string;
  cluster: Cluster;
}

/** Loads the kubeconfig and selects the context, so that every later request uses that context's cluster and user. */
export function loadKubeconfig(source: KubeconfigSource): LoadedKubeconfig {
  const kubeConfig = new KubeConfig();
  if (source.kubeconfigYaml !== undefined) loadYaml(kubeConfig, source.kubeconfigYaml, 'kubeconfig (inline)');
  else if (source.kubeconfigPath !== undefined) loadFile(kubeConfig, source.kubeconfigPath);
  else loadDefault(kubeConfig);
  const contextName = selectContext(kubeConfig, source.context);
  return { kubeConfig, contextName, cluster: clusterOf(kubeConfig, contextName) };
}

function loadFile(kubeConfig: KubeConfig, path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
    throw new KubeconfigError(`cannot read kubeconfig ${path} (${typeof code === 'string' ? code : 'read error'})`);
  }
  loadYaml(kubeConfig, text, `kubeconfig ${path}`);
  // Relative certificate-authority/client-certificate paths are relative to the file, as kubectl reads them.
  kubeConfig.makePathsAbsolute(dirname(path));
}

function loadYaml(kubeConfig: KubeConfig, text: string, what: string): void {
  try {
    kubeConfig.loadFromString(text);
  } catch (error) {
    throw new KubeconfigError(`${what} is invalid: ${describeLoadError(error)}`);
  }
}

function loadDefault(kubeConfig: KubeConfig): void {
  try {
    kubeConfig.loadFromDefault();
  } catch (error) {
    throw new KubeconfigError(`default kubeconfig is invalid: ${describeLoadError(error)}`);
  }
}

/**
 * YAML errors only give line and reason: their message quotes the source, which holds tokens and keys. Other errors
 * come from the library's shape checks (`users[0].name is missing`) and name fields, not values.
 */
function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return 'unreadable';
  const mark: unknown = Reflect.get(error, 'mark');
  const reason: unknown = Reflect.get(error, 'reason');
  if (typeof reason === 'string') {
    const line: unknown = typeof mark === 'object' && mark !== null ? Reflect.get(mark, 'line') : undefined;
    const where = typeof line === 'number' ? ` at line ${line + 1}` : '';
    return `YAML syntax error${where}: ${reason.split(/["'!:]/)[0]?.trim() ?? 'invalid'}`;
  }
  if (error instanceof TypeError) return 'not a kubeconfig document';
  return error.message.slice(0, 200);
}

function selectContext(kubeConfig: KubeConfig, wanted: string | undefined): string {
  const available = kubeConfig.getContexts().map((context) => context.name);
  const name = wanted ?? kubeConfig.getCurrentContext();
  const listing = available.length > 0 ? available.join(', ') : 'none';
  if (!name) throw new KubeconfigError(`kubeconfig has no current-context; choose one of the contexts: ${listing}`);
  if (!kubeConfig.getContextObject(name)) {
    throw new KubeconfigError(`kubeconfig context "${name}" not found; available contexts: ${listing}`);
  }
  kubeConfig.setCurrentContext(name);
  return name;
}

function clusterOf(kubeConfig: KubeConfig, contextName: string): Cluster {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster) return cluster;
  const clusterName = kubeConfig.getContextObject(contextName)?.cluster ?? '';
  throw new KubeconfigError(`kubeconfig context "${contextName}" refers to unknown cluster "${clusterName}"`);
}
