import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { at, count } from './fields.ts';
import type { CheckFinding } from './finding.ts';
import { finding } from './finding.ts';
import { matchesPattern } from './glob.ts';

/** DaemonSet names of the common CNI plugins (flannel's carries an architecture suffix in older manifests). */
export const CNI_DAEMONSETS: readonly string[] = [
  'aws-node',
  'calico-node',
  'cilium',
  'kube-flannel-ds',
  'kube-flannel-ds-*',
  'weave-net',
  'antrea-agent',
  'kube-router',
  'canal',
];

/**
 * cni-multiple: two CNI DaemonSets that schedule pods fight over pod networking. A DaemonSet whose
 * desiredNumberScheduled is 0 is parked (the usual way to retire aws-node for Cilium) and does not count;
 * one without status (not yet observed) does.
 */
export function cniFindings(context: CheckContext): CheckFinding[] {
  const active = context
    .ofKind('apps', 'DaemonSet')
    .filter((daemonSet) => CNI_DAEMONSETS.some((pattern) => matchesPattern(daemonSet.metadata.name, pattern)))
    .filter(isScheduling);
  if (active.length < 2) return [];
  const names = active.map((daemonSet) => `${daemonSet.metadata.namespace ?? ''}/${daemonSet.metadata.name}`).sort();
  return [
    finding(
      'cni-multiple',
      { kind: 'DaemonSet', name: active.map((daemonSet) => daemonSet.metadata.name).sort().join(', ') },
      {
        message: `${active.length} CNI plugins are active: ${names.join(', ')}`,
        remediation: remediationOf(active),
        evidence: { daemonSets: names },
      },
    ),
  ];
}

function isScheduling(daemonSet: KubeObject): boolean {
  const desired = count(at(daemonSet, 'status', 'desiredNumberScheduled'));
  return desired === undefined || desired > 0;
}

function remediationOf(active: readonly KubeObject[]): string {
  const base = 'Reconcile the CNI plugins: keep one and remove the others (kubectl delete daemonset NAME -n NAMESPACE)';
  if (!active.some((daemonSet) => daemonSet.metadata.name === 'aws-node')) return base;
  // The documented way to park the VPC CNI on EKS, where deleting it would be undone by the add-on.
  return `${base}; to park aws-node: kubectl -n kube-system patch daemonset aws-node --type=strategic -p '{"spec":{"template":{"spec":{"nodeSelector":{"io.cilium/aws-node-enabled":"true"}}}}}'`;
}
