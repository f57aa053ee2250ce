import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { NODE, POD } from './definition.ts';
import { at, records, text } from './field-readers.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';
import { POD_TEMPLATE_KINDS, podSpecIn } from './pod-specs.ts';
import type { Taint, Toleration } from './tolerations.ts';
import { tolerates, tolerationOf } from './tolerations.ts';

/** Effects that keep pods off a node (PreferNoSchedule only discourages). */
const REPELLING_EFFECTS = ['NoSchedule', 'NoExecute'];

/**
 * Taints the control plane manages (not-ready, unschedulable, pressure, uninitialised: other checks cover
 * them) and the control-plane role taints, which are meant to keep workloads away.
 */
const MANAGED_TAINT_KEY =
  /^(node\.kubernetes\.io\/|node\.cloudprovider\.kubernetes\.io\/|node-role\.kubernetes\.io\/(control-plane|master)$)/;

/**
 * node-taint-untolerated: a NoSchedule/NoExecute taint that no pod or pod template in view tolerates, so the
 * node's capacity is lost to everything. Without any pod or template in view there is nothing to judge.
 */
export const nodeTaintUntolerated: CheckDefinition<'node-taint-untolerated'> = {
  id: 'node-taint-untolerated',
  severity: 'medium',
  title: 'Node taint that no workload tolerates',
  firesOn: 'NoSchedule/NoExecute taint that no pod or pod template in view tolerates',
  reads: [NODE, POD, ...POD_TEMPLATE_KINDS],
  run: (context) => taintFindings(context),
};

function taintFindings(context: CheckContext): CheckFinding[] {
  const tolerations = tolerationsInView(context);
  if (tolerations === undefined) return [];
  return context.ofKind('', 'Node').flatMap((node) => {
    const untolerated = taintsOf(node).filter(
      (taint) => !tolerations.some((toleration) => tolerates(toleration, taint)),
    );
    return untolerated.length === 0 ? [] : [untoleratedFinding(node, untolerated)];
  });
}

function taintsOf(node: KubeObject): Taint[] {
  return records(at(node, 'spec', 'taints')).flatMap((fields) => {
    const key = text(fields['key']);
    const effect = text(fields['effect']);
    if (key === undefined || effect === undefined || !REPELLING_EFFECTS.includes(effect) || MANAGED_TAINT_KEY.test(key))
      return [];
    const value = text(fields['value']);
    return [value === undefined ? { key, effect } : { key, value, effect }];
  });
}

/**
 * Every keyed toleration of the live pods, the live pod templates and the declared templates; undefined when there
 * are none of those. A toleration without a key tolerates every taint: node agents (the CNI, kube-proxy, log
 * shippers) carry one to run everywhere. It says nothing about what a taint is for, so it does not count; counting
 * it would silence the check on every real cluster.
 */
function tolerationsInView(context: CheckContext): Toleration[] | undefined {
  const holders = [
    ...context.ofKind('', 'Pod'),
    ...POD_TEMPLATE_KINDS.flatMap(({ group, kind }) => context.ofKind(group, kind)),
    ...context.declaredPodTemplates.map((declared) => declared.template),
  ];
  const specs = holders.flatMap((holder) => {
    const spec = podSpecIn(holder);
    return spec === undefined ? [] : [spec];
  });
  if (specs.length === 0) return undefined;
  return specs
    .flatMap((spec) => records(spec['tolerations']).map(tolerationOf))
    .filter((toleration) => (toleration.key ?? '') !== '');
}

function formatTaint(taint: Taint): string {
  return `${taint.key}${taint.value === undefined ? '' : `=${taint.value}`}:${taint.effect}`;
}

function untoleratedFinding(node: KubeObject, taints: readonly Taint[]): CheckFinding {
  const names = taints.map(formatTaint);
  const removals = names.map((taint) => `kubectl taint nodes ${node.metadata.name} ${taint}-`).join('; ');
  return finding(nodeTaintUntolerated, subjectOf(node), {
    message: `${describe(subjectOf(node))} has taint${names.length === 1 ? '' : 's'} ${names.join(', ')} that no workload tolerates`,
    remediation: `Remove the taint if it is stale (${removals}), or add the toleration to the workloads meant for this node`,
    evidence: { taints: names },
  });
}
