import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { at, count } from './field-readers.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';
import { subjectOf } from './context.ts';
import { matchesPattern } from '../io/glob.ts';

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
 * one without status (not yet observed) does. One finding per active CNI DaemonSet, each naming the others: a
 * finding names one real object, which a PolicyReport result and an exemption can point at.
 */
export const cniMultiple: CheckDefinition<'cni-multiple'> = {
  id: 'cni-multiple',
  severity: 'high',
  title: 'More than one CNI plugin active',
  firesOn:
    'two or more CNI DaemonSets (aws-node, calico-node, cilium, kube-flannel-ds, weave-net, antrea-agent, kube-router, canal) scheduling pods: one finding per DaemonSet, naming the others',
  reads: [{ group: 'apps', kind: 'DaemonSet' }],
  run: (context) => cniFindings(context),
};

function cniFindings(context: CheckContext): CheckFinding[] {
  const active = context
    .ofKind('apps', 'DaemonSet')
    .filter((daemonSet) => CNI_DAEMONSETS.some((pattern) => matchesPattern(daemonSet.metadata.name, pattern)))
    .filter(isScheduling);
  if (active.length < 2) return [];
  const names = active.map(qualifiedName).sort();
  return active.map((daemonSet) => {
    const others = active.filter((other) => other !== daemonSet);
    return finding(cniMultiple, subjectOf(daemonSet), {
      message: `${describe(subjectOf(daemonSet))} is one of ${active.length} active CNI plugins; also active: ${others.map(qualifiedName).sort().join(', ')}`,
      remediation: remediationOf(daemonSet, others),
      evidence: { daemonSets: names },
    });
  });
}

function qualifiedName(daemonSet: KubeObject): string {
  return `${daemonSet.metadata.namespace ?? ''}/${daemonSet.metadata.name}`;
}

function isScheduling(daemonSet: KubeObject): boolean {
  const desired = count(at(daemonSet, 'status', 'desiredNumberScheduled'));
  return desired === undefined || desired > 0;
}

/** How to retire this one, in terms of the CNIs actually found. */
function remediationOf(daemonSet: KubeObject, others: readonly KubeObject[]): string {
  const { name, namespace = 'kube-system' } = daemonSet.metadata;
  const keep = others
    .map((other) => other.metadata.name)
    .sort()
    .join(' or ');
  const base = `Keep one CNI plugin (this one or ${keep}) and remove the others; to remove this one: kubectl delete daemonset ${name} -n ${namespace}`;
  if (name !== 'aws-node') return base;
  // On EKS the VPC CNI add-on puts a deleted aws-node back: park it with a nodeSelector instead.
  const cilium = others.some((other) => other.metadata.name === 'cilium');
  const label = cilium ? 'io.cilium/aws-node-enabled' : 'driftwatch.io/aws-node-parked';
  const why = cilium ? "Cilium's documented selector" : 'a label no node carries';
  return `${base}; on EKS park aws-node instead (${why}): kubectl -n ${namespace} patch daemonset aws-node --type=strategic -p '{"spec":{"template":{"spec":{"nodeSelector":{"${label}":"true"}}}}}'`;
}
