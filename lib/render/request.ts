import type {
  ClusterCapabilities,
  HelmRenderOptions,
  KustomizeRenderOptions,
  RenderRequest,
  RendererSettings,
} from './types.ts';

/** What rendering one cluster's path needs: the run's renderer settings and the cluster's Helm/Kustomize settings. */
export function renderRequestFor(
  settings: RendererSettings,
  cluster: { helm?: HelmRenderOptions; kustomize?: KustomizeRenderOptions },
  capabilities?: () => Promise<ClusterCapabilities | undefined>,
): RenderRequest {
  return {
    settings,
    ...(cluster.helm ? { helm: cluster.helm } : {}),
    ...(cluster.kustomize ? { kustomize: cluster.kustomize } : {}),
    ...(capabilities ? { capabilities } : {}),
  };
}
