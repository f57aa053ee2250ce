import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import { EXEMPT_ANNOTATION } from './defaults.ts';
import type { CheckFinding, Subject } from './finding.ts';
import { matchesPattern } from '../io/glob.ts';
import { ownerIndex, workloadOf } from './owners.ts';
import { podTemplateAnnotations } from './pod-specs.ts';

function subjectKey(subject: Subject): string {
  return [subject.kind, subject.namespace ?? '', subject.name].join('\u0000');
}

/**
 * Honours `driftwatch.io/exempt: "<check-id>[,...]"` when the config allows it. The annotation counts on the
 * object a finding names, and for workload findings also on its pod template or pods (where it propagates).
 */
export function applySelfExemptions(findings: readonly CheckFinding[], context: CheckContext): CheckFinding[] {
  if (!context.config.allowSelfExemption) return [...findings];
  const exemptChecks = annotationIndex(context);
  return findings.map((found) => {
    const patterns = exemptChecks.get(subjectKey(found));
    if (found.exempted || !patterns?.some((pattern) => matchesPattern(found.check, pattern))) return found;
    return {
      ...found,
      exempted: true,
      exemption: { source: 'annotation', reason: `${EXEMPT_ANNOTATION} annotation on the object` },
    };
  });
}

/** Check-id patterns per subject, from every place the annotation may be written. */
function annotationIndex(context: CheckContext): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const add = (subject: Subject, annotations: Record<string, string> | undefined): void => {
    const value = annotations?.[EXEMPT_ANNOTATION];
    if (value === undefined) return;
    const patterns = value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    index.set(subjectKey(subject), [...(index.get(subjectKey(subject)) ?? []), ...patterns]);
  };
  const owners = ownerIndex(context.objects);
  for (const object of context.objects) {
    add(subjectOf(object), podTemplateAnnotations(object));
    if (object.kind === 'Pod') add(workloadOf(object, owners), object.metadata.annotations);
  }
  for (const declared of context.declaredPodTemplates) add(declared.ref, podTemplateAnnotations(declared.template));
  return index;
}
