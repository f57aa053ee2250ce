import { isPlainObject } from '../kube/object.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import type { KubeconfigSource } from './kubeconfig.ts';
import { createTransport } from './transport.ts';

/** What a chart may ask of the cluster it is rendered for: Helm's `.Capabilities.KubeVersion` and `.APIVersions`. */
export interface ServedCapabilities {
  kubeVersion: string;
  /** Served group versions: `v1`, `apps/v1`, `batch/v1`, ... */
  apiVersions: string[];
}

/**
 * Reads /version, /api and /apis (three GETs), as `helm install` fills Capabilities from discovery
 * (helm pkg/action/action.go getCapabilities). Undefined when the cluster cannot say: Helm's defaults then apply,
 * and the live read that follows reports the cluster's problem in its own words.
 */
export async function readCapabilities(
  source: KubeconfigSource & { timeoutMs: number },
): Promise<ServedCapabilities | undefined> {
  const { kubeConfig, cluster } = loadKubeconfig(source);
  const api = createTransport(kubeConfig, cluster.server, source.timeoutMs);
  try {
    const [version, core, groups] = await Promise.all([api.get('/version'), api.get('/api'), api.get('/apis')]);
    if (!version.ok || !isPlainObject(version.body) || typeof version.body['gitVersion'] !== 'string') return undefined;
    const apiVersions = new Set<string>();
    if (core.ok && isPlainObject(core.body) && Array.isArray(core.body['versions'])) {
      for (const served of core.body['versions']) if (typeof served === 'string') apiVersions.add(served);
    }
    if (groups.ok && isPlainObject(groups.body) && Array.isArray(groups.body['groups'])) {
      for (const group of groups.body['groups']) {
        if (!isPlainObject(group) || !Array.isArray(group['versions'])) continue;
        for (const served of group['versions']) {
          if (isPlainObject(served) && typeof served['groupVersion'] === 'string')
            apiVersions.add(served['groupVersion']);
        }
      }
    }
    return { kubeVersion: version.body['gitVersion'], apiVersions: [...apiVersions].sort() };
  } finally {
    await api.close();
  }
}
