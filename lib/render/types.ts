import type { RendererType } from './detect.ts';

/** A Helm values file: in the source tree (relative to the chart folder, as Argo CD reads `valueFiles`) or read already. */
/** `name` of a file read already is where it was read from (an absolute local path), for the repair command. */
export type HelmValuesFile = { path: string } | { name: string; content: Buffer };

/** `helm template` settings of one cluster (driftwatch.yaml `clusters[].helm`, or the CLI's --helm-* flags). */
export interface HelmRenderOptions {
  /** Default: the chart's name. */
  releaseName?: string;
  /** `.Release.Namespace`, and where objects without a namespace go. Default `default`. */
  namespace?: string;
  /** In order: later files win. */
  valueFiles?: HelmValuesFile[];
  /** Inline values, applied after the files (as Argo CD's `valuesObject`). */
  values?: Record<string, unknown>;
  /** `--set key=value`, in order, over every values file. */
  set?: string[];
  /** `--set-string key=value`. */
  setString?: string[];
  /** Render the chart's `crds/` folder (default true, as Argo CD and Flux install CRDs). */
  includeCrds?: boolean;
  /** Leave out test hooks (default true: tests are not part of the declared state). */
  skipTests?: boolean;
  /** Capabilities.KubeVersion; default: the live cluster's in cluster mode, else Helm's default. */
  kubeVersion?: string;
  /** Capabilities.APIVersions added to Helm's defaults; default: the live cluster's in cluster mode. */
  apiVersions?: string[];
}

export type LoadRestrictor = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';

/** `kustomize build` settings of one cluster (driftwatch.yaml `clusters[].kustomize`). */
export interface KustomizeRenderOptions {
  /** kustomize's `helmCharts` generator, with charts vendored under `chartHome` (no network). Default false. */
  enableHelm?: boolean;
  /** Default `LoadRestrictionsRootOnly`, kustomize's own default (Flux chooses `LoadRestrictionsNone`). */
  loadRestrictor?: LoadRestrictor;
}

/** Limits and location of the renderer (driftwatch.yaml `renderer`, or `--renderer`). */
export interface RendererSettings {
  /** A dwrender, kustomize or helm executable; default: the project's build, /opt/bin/dwrender, then PATH. */
  path?: string;
  timeoutSeconds: number;
  maxOutputBytes: number;
  memoryMiB: number;
}

export const DEFAULT_RENDERER_SETTINGS: RendererSettings = {
  timeoutSeconds: 60,
  maxOutputBytes: 64 * 1024 * 1024,
  memoryMiB: 1024,
};

/** What one cluster's rendering needs to know. */
export interface RenderRequest {
  helm?: HelmRenderOptions;
  kustomize?: KustomizeRenderOptions;
  settings: RendererSettings;
  /** What the live cluster serves, for Helm's Capabilities when the config gives none (cluster mode only). */
  capabilities?: () => Promise<ClusterCapabilities | undefined>;
}

export interface ClusterCapabilities {
  /** `v1.34.4` */
  kubeVersion: string;
  /** `apps/v1`, `apps/v1/Deployment`, ... */
  apiVersions: string[];
}

/** How the declared state was produced, for the report's `source`. */
export interface RenderInfo {
  renderer: RendererType;
  /** The program that rendered and the versions it reports. */
  tool?: { name: 'dwrender' | 'kustomize' | 'helm'; versions: Record<string, string> };
  chart?: { name: string; version: string };
  /** Helm release and namespace, for the remediation command. */
  release?: { name: string; namespace: string };
}

/** How the declared state can be produced again for `kubectl apply`. */
export interface RemediationSource {
  /** The folder of the cluster path in the repository. */
  folder: string;
  /** Absent for plain files, which kubectl applies as they are. */
  render?: {
    renderer: 'kustomize' | 'helm';
    /** The source as driftwatch opened it, without credentials. */
    location: string;
    /** Flags that reproduce the render (`--helm-release shop --helm-namespace shop ...`), already shell-quoted. */
    flags: string[];
    /** The stock command printing the same objects with Secret values (driftwatch render digests them). */
    toolCommand: string;
  };
}
