import type { CheckContext } from './context.ts';
import type { GroupKind } from '../kube/kinds.ts';
import type { CheckDefinition } from './definition.ts';
import { POD } from './definition.ts';
import type { CheckFinding, Subject } from './finding.ts';
import { describe, finding } from './finding.ts';
import { ownerIndex, workloadOf } from './owners.ts';
import type { PodSpecRule } from './pod-spec-rule.ts';
import { podSpecIn } from './pod-specs.ts';
import type { Fields } from './field-readers.ts';

/** Live pods, and the ReplicaSets and Jobs that name a pod's Deployment or CronJob (one finding per workload). */
const POD_SPEC_READS: readonly GroupKind[] = [
  POD,
  { group: 'apps', kind: 'ReplicaSet' },
  { group: 'batch', kind: 'Job' },
];

/** A pod spec rule as a check: it reads live pods (and their owners) besides the declared templates. */
export function podSpecCheck<Id extends string>(rule: PodSpecRule<Id>): CheckDefinition<Id> {
  const { id, severity, title, firesOn, optIn } = rule;
  return {
    id,
    severity,
    title,
    firesOn,
    ...(optIn !== undefined && { optIn }),
    reads: POD_SPEC_READS,
    run: (context) => podSpecFindings(context, rule),
  };
}

/** A pod spec to inspect and the workload it is reported on (a live pod's name when it came from a pod). */
interface InspectedSpec {
  spec: Fields;
  subject: Subject;
  key: string;
  pod?: string;
}

/**
 * Built once per run: every pod spec check inspects the same specs on the same workloads, so the spec lookup and the
 * owner walk of each pod are done once, not once per rule.
 */
const inspectedSpecs = new WeakMap<CheckContext, readonly InspectedSpec[]>();

function specsOf(context: CheckContext): readonly InspectedSpec[] {
  const cached = inspectedSpecs.get(context);
  if (cached !== undefined) return cached;
  const specs: InspectedSpec[] = [];
  for (const { ref, template } of context.declaredPodTemplates) {
    const spec = podSpecIn(template);
    if (spec !== undefined) specs.push({ spec, subject: ref, key: subjectKey(ref) });
  }
  const owners = ownerIndex(context.objects);
  for (const pod of context.ofKind('', 'Pod')) {
    const spec = podSpecIn(pod);
    if (spec === undefined) continue;
    const subject = workloadOf(pod, owners);
    specs.push({ spec, subject, key: subjectKey(subject), pod: pod.metadata.name });
  }
  inspectedSpecs.set(context, specs);
  return specs;
}

function subjectKey(subject: Subject): string {
  return [subject.kind, subject.namespace ?? '', subject.name].join('\u0000');
}

/** What one rule found in one workload, across its declared template and its live pods. */
interface Hit {
  rule: PodSpecRule;
  subject: Subject;
  problems: Set<string>;
  declared: boolean;
  pods: string[];
}

/**
 * Runs a pod spec rule on declared templates and on live pods. Live pods are reported on their workload, once
 * per workload (not once per replica); a workload found both in Git and live is one finding.
 */
function podSpecFindings(context: CheckContext, rule: PodSpecRule): CheckFinding[] {
  const hits = new Map<string, Hit>();
  for (const { spec, subject, key, pod } of specsOf(context)) {
    const problems = rule.inspect(spec);
    if (problems.length === 0) continue;
    const hit = hits.get(key) ?? { rule, subject, problems: new Set<string>(), declared: false, pods: [] };
    for (const problem of problems) hit.problems.add(problem);
    if (pod === undefined) hit.declared = true;
    else hit.pods.push(pod);
    hits.set(key, hit);
  }
  return [...hits.values()].map(hitFinding);
}

function hitFinding(hit: Hit): CheckFinding {
  const problems = [...hit.problems].sort();
  const pods = [...hit.pods].sort();
  const example = pods[0];
  return finding(hit.rule, hit.subject, {
    message: `${describe(hit.subject)}: ${problems.join('; ')}${whereSeen(hit, pods.length, example)}`,
    remediation: hit.rule.remediation(hit.subject),
    evidence: {
      problems,
      declared: hit.declared,
      pods: pods.length,
      ...(example !== undefined && { examplePod: example }),
    },
  });
}

/** ` (declared in Git; 3 running pods, e.g. web-7d9c-abcde)`; nothing for a bare pod seen only live. */
function whereSeen(hit: Hit, podCount: number, example: string | undefined): string {
  const parts: string[] = [];
  if (hit.declared) parts.push('declared in Git');
  const barePod = hit.subject.kind === 'Pod' && podCount === 1;
  if (example !== undefined && !barePod)
    parts.push(`${podCount} running pod${podCount === 1 ? '' : 's'}, e.g. ${example}`);
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}
