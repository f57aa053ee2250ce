import type { KubeObject } from '../kube/object.ts';
import type { GroupKind } from '../kube/kinds.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { at, records, text, timeOf } from './field-readers.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';
import { excerpt, formatAge } from './message-text.ts';

const CSR: GroupKind = { group: 'certificates.k8s.io', kind: 'CertificateSigningRequest' };

export const csrPending: CheckDefinition<'csr-pending'> = {
  id: 'csr-pending',
  severity: 'medium',
  title: 'CertificateSigningRequest pending longer than the threshold',
  firesOn: 'CSR without Approved/Denied/Failed older than `checks.csrPending.minutes` (60)',
  reads: [CSR],
  run: (context) => csrsOf(context).flatMap((csr) => (decisionOf(csr) === undefined ? pending(csr, context) : [])),
};

export const csrDenied: CheckDefinition<'csr-denied'> = {
  id: 'csr-denied',
  severity: 'low',
  title: 'CertificateSigningRequest denied',
  firesOn: 'CSR with a Denied condition',
  reads: [CSR],
  run: (context) => rejections(context, 'Denied'),
};

export const csrFailed: CheckDefinition<'csr-failed'> = {
  id: 'csr-failed',
  severity: 'medium',
  title: 'CertificateSigningRequest failed',
  firesOn: 'CSR with a Failed condition',
  reads: [CSR],
  run: (context) => rejections(context, 'Failed'),
};

const DECISIONS = ['Approved', 'Denied', 'Failed'];

function csrsOf(context: CheckContext): readonly KubeObject[] {
  return context.ofKind(CSR.group, CSR.kind);
}

/** CSRs whose decision is `type` (Denied or Failed). */
function rejections(context: CheckContext, type: 'Denied' | 'Failed'): CheckFinding[] {
  return csrsOf(context).flatMap((csr) => {
    const decision = decisionOf(csr);
    return decision?.type === type ? [rejected(csr, type, decision.message)] : [];
  });
}

/** The first True condition among Approved/Denied/Failed (Failed can follow Approved: the signer could not sign). */
function decisionOf(csr: KubeObject): { type: string; message: string } | undefined {
  const decided = records(at(csr, 'status', 'conditions')).filter(
    (condition) => DECISIONS.includes(text(condition['type']) ?? '') && (condition['status'] ?? 'True') === 'True',
  );
  const chosen = decided.find((condition) => condition['type'] === 'Failed') ?? decided[0];
  if (chosen === undefined) return undefined;
  const message = [text(chosen['reason']), text(chosen['message'])]
    .filter((part) => part !== undefined && part !== '')
    .join(': ');
  return { type: text(chosen['type']) ?? '', message };
}

/** `from system:node:ip-10-0-1-5 for kubernetes.io/kubelet-serving`: who asks, and for what. */
function requestOf(csr: KubeObject): string {
  const username = text(at(csr, 'spec', 'username'));
  const signer = text(at(csr, 'spec', 'signerName'));
  return [username && `from ${username}`, signer && `for ${signer}`]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
}

function pending(csr: KubeObject, context: CheckContext): CheckFinding[] {
  const created = timeOf(csr.metadata['creationTimestamp']);
  const minutes = context.config.csrPending.minutes;
  if (created === undefined || context.now - created <= minutes * 60_000) return [];
  const name = csr.metadata.name;
  const request = requestOf(csr);
  return [
    finding(csrPending, subjectOf(csr), {
      message: `${describe(subjectOf(csr))}${request ? ` ${request}` : ''} has been pending for ${formatAge(context.now - created)} (threshold ${minutes} min)`,
      remediation: `Check the requester (kubectl get csr ${name} -o yaml), then kubectl certificate approve ${name} (or kubectl certificate deny ${name})`,
      evidence: { pendingMinutes: Math.floor((context.now - created) / 60_000), ...(request !== '' && { request }) },
    }),
  ];
}

function rejected(csr: KubeObject, type: 'Denied' | 'Failed', detail: string): CheckFinding {
  const name = csr.metadata.name;
  const request = requestOf(csr);
  const check = type === 'Denied' ? csrDenied : csrFailed;
  return finding(check, subjectOf(csr), {
    message: `${describe(subjectOf(csr))}${request ? ` ${request}` : ''} was ${type === 'Denied' ? 'denied' : 'not signed (Failed)'}${detail ? `: ${excerpt(detail)}` : ''}`,
    remediation:
      type === 'Denied'
        ? `Find out why the requester asked (kubectl get csr ${name} -o yaml), then clean up: kubectl delete csr ${name}`
        : `Check the signer's logs for ${name} (kubectl get csr ${name} -o yaml), fix it, then kubectl delete csr ${name} so that the requester retries`,
    ...(request !== '' && { evidence: { request } }),
  });
}
