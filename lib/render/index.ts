// Rendering: the declared state of a cluster path as Argo CD and Flux see it (plain YAML, Kustomize or Helm).
export { detectRenderer } from './detect.ts';
export type { RendererType } from './detect.ts';
export { RenderError } from './error.ts';
export { locateRenderer } from './locate.ts';
export type { Renderer } from './locate.ts';
export { declarePrepared, prepareManifests, splitHelmOutput } from './render.ts';
export type { PreparedManifests } from './render.ts';
export { remediationSource } from './reproduce.ts';
export { renderRequestFor } from './request.ts';
export { DEFAULT_RENDERER_SETTINGS } from './types.ts';
export type {
  ClusterCapabilities,
  HelmRenderOptions,
  HelmValuesFile,
  KustomizeRenderOptions,
  LoadRestrictor,
  RemediationSource,
  RenderInfo,
  RenderRequest,
  RendererSettings,
} from './types.ts';
