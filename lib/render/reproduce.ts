import { shellQuote } from '../io/shell-quote.ts';
import type { PreparedManifests } from './render.ts';
import type { HelmRenderOptions, RemediationSource, RenderRequest } from './types.ts';

/**
 * How a user gets this cluster's declared objects again: the `driftwatch render` flags that repeat this render, and
 * the stock kustomize/helm command that prints the same objects (with Secret values, which driftwatch never prints).
 */
export function remediationSource(prepared: PreparedManifests, request: RenderRequest): RemediationSource {
  const folder = prepared.folder || '.';
  const { info } = prepared;
  if (info.renderer === 'plain') return { folder };
  if (info.renderer === 'kustomize') {
    const options = request.kustomize ?? {};
    const flags = [
      ...(options.enableHelm ? ['--enable-helm'] : []),
      ...(options.loadRestrictor ? [`--load-restrictor ${options.loadRestrictor}`] : []),
    ];
    return {
      folder,
      render: {
        renderer: 'kustomize',
        location: prepared.location,
        flags,
        toolCommand: ['kustomize build', shellQuote(folder), ...flags].join(' '),
      },
    };
  }
  const helm: HelmRenderOptions = prepared.helm ?? request.helm ?? {};
  const release = info.release ?? { name: helm.releaseName ?? 'release', namespace: helm.namespace ?? 'default' };
  const values = (helm.valueFiles ?? []).map((file) => ('path' in file ? file.path : file.name));
  const flags = [
    `--helm-release ${shellQuote(release.name)}`,
    `--helm-namespace ${shellQuote(release.namespace)}`,
    ...values.map((file) => `--helm-values ${shellQuote(file)}`),
    ...(helm.set ?? []).map((value) => `--helm-set ${shellQuote(value)}`),
    ...(helm.setString ?? []).map((value) => `--helm-set-string ${shellQuote(value)}`),
    ...(helm.kubeVersion ? [`--kube-version ${shellQuote(helm.kubeVersion)}`] : []),
    ...(helm.apiVersions ?? []).map((version) => `--api-versions ${shellQuote(version)}`),
  ];
  const toolFlags = [
    `--namespace ${shellQuote(release.namespace)}`,
    ...values.map((file) => `--values ${shellQuote(file)}`),
    ...(helm.set ?? []).map((value) => `--set ${shellQuote(value)}`),
    ...(helm.setString ?? []).map((value) => `--set-string ${shellQuote(value)}`),
    ...((helm.includeCrds ?? true) ? ['--include-crds'] : []),
    ...((helm.skipTests ?? true) ? ['--skip-tests'] : []),
    ...(helm.kubeVersion ? [`--kube-version ${shellQuote(helm.kubeVersion)}`] : []),
    ...(helm.apiVersions ?? []).map((version) => `--api-versions ${shellQuote(version)}`),
  ];
  const toolCommand = ['helm template', shellQuote(release.name), shellQuote(folder), ...toolFlags].join(' ');
  return { folder, render: { renderer: 'helm', location: prepared.location, flags, toolCommand } };
}
