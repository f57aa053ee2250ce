import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { displayLocation } from '../source/display.ts';
import type { LiveAccess } from './live-access.ts';

/** What an ad-hoc run audits: the declared state (if any) and the live state. */
export interface AdHocTarget {
  sourceLocation?: string;
  sourcePath: string;
  access: LiveAccess;
}

export interface AdHocIdentity {
  /** A valid cluster name (`local-<slug>-<hash>`): it names the report folder, so different audits never share one. */
  name: string;
  /** Stored in the report: a previous report of another identity is not this run's history. */
  identity: string;
}

const SLUG_LENGTH = 40;

/**
 * The identity of an ad-hoc run, from what it audits: the kubeconfig context (or the snapshot file) names it, and a
 * hash of the source, its folder and the live access tells apart audits that share a name.
 */
export async function adHocIdentity(target: AdHocTarget): Promise<AdHocIdentity> {
  const context = target.access.type === 'snapshot' ? undefined : await contextOf(target.access);
  const live =
    target.access.type === 'snapshot'
      ? { snapshot: target.access.path }
      : { kubeconfig: target.access.path ?? '', context };
  const described = JSON.stringify({
    source: target.sourceLocation ? displayLocation(target.sourceLocation) : 'none',
    path: target.sourcePath,
    live,
  });
  const digest = createHash('sha256').update(described).digest('hex');
  const named =
    target.access.type === 'snapshot'
      ? basename(target.access.path, extname(target.access.path))
      : (context ?? 'current-context');
  return { name: `local-${slug(named)}-${digest.slice(0, 8)}`, identity: `local:${digest.slice(0, 16)}` };
}

/** The context given, else the kubeconfig's current-context; a kubeconfig that cannot be read fails later, with its own words. */
async function contextOf(access: Extract<LiveAccess, { type: 'kubeconfig' }>): Promise<string> {
  if (access.context) return access.context;
  // The Kubernetes client loads only here, when the kubeconfig itself must say which context is current.
  const { loadKubeconfig } = await import('../cluster/kubeconfig.ts');
  try {
    return loadKubeconfig(access.path ? { kubeconfigPath: access.path } : {}).contextName;
  } catch {
    return 'current-context';
  }
}

/** Lowercase letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (the cluster name pattern). */
function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .slice(0, SLUG_LENGTH)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return cleaned || 'cluster';
}
