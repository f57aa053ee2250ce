import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import { at, excerpt, formatAge, records, text, timeOf } from './fields.ts';
import type { CheckFinding } from './finding.ts';
import { describe, finding } from './finding.ts';

const DECISIONS = ['Approved', 'Denied', 'Failed'];

/** csr-pending, csr-denied, csr-failed. */
export function csrFindings(context: CheckContext): CheckFinding[] {
  return context.ofKind('certificates.k8s.io', 'CertificateSigningRequest').flatMap((csr) => {
    const decision = decisionOf(csr);
    if (decision === undefined) return pending(csr, context);
    if (decision.type === 'Denied' || decision.type === 'Failed') return [rejected(csr, decision.type, decision.message)];
    return [];
  });
}

/** The first True condition among Approved/Denied/Failed (Failed can follow Approved: the signer could not sign). */
function decisionOf(csr: KubeObject): { type: string; message: string } | undefined {
  const decided = records(at(csr, 'status', 'conditions')).filter(
    (condition) => DECISIONS.includes(text(condition['type']) ?? '') && (condition['status'] ?? 'True') === 'True',
  );
  const chosen = decided.find((condition) => condition['type'] === 'Failed') ?? decided[0];
  if (chosen === undefined) return undefined;
  const message = [text(chosen['reason']), text(chosen['message'])].filter((part) => part !== undefined && part !== '').join(': ');
  return { type: text(chosen['type']) ?? '', message };
}

/** `from system:node:ip-10-0-1-5 for kubernetes.io/kubelet-serving`: who asks, and for what. */
function requestOf(csr: KubeObject): string {
  const username = text(at(csr, 'spec', 'username'));
  const signer = text(at(csr, 'spec', 'signerName'));
  return [username && `from ${username}`, signer && `for ${signer}`].filter((part) => part !== undefined && part !== '').join(' ');
}

function pending(csr: KubeObject, context: CheckContext): CheckFinding[] {
  const created = timeOf(csr.metadata['creationTimestamp']);
  const minutes = context.config.csrPending.minutes;
  if (created === undefined || context.now - created <= minutes * 60_000) return [];
  const name = csr.metadata.name;
  const request = requestOf(csr);
  return [
    finding('csr-pending', subjectOf(csr), {
      message: `${describe(subjectOf(csr))}${request ? ` ${request}` : ''} has been pending for ${formatAge(context.now - created)} (threshold ${minutes} min)`,
      remediation: `Check the requester (kubectl get csr ${name} -o yaml), then kubectl certificate approve ${name} (or kubectl certificate deny ${name})`,
      evidence: { pendingMinutes: Math.floor((context.now - created) / 60_000), ...(request !== '' && { request }) },
    }),
  ];
}

function rejected(csr: KubeObject, type: string, detail: string): CheckFinding {
  const name = csr.metadata.name;
  const request = requestOf(csr);
  const check = type === 'Denied' ? 'csr-denied' : 'csr-failed';
  return finding(check, subjectOf(csr), {
    message: `${describe(subjectOf(csr))}${request ? ` ${request}` : ''} was ${type === 'Denied' ? 'denied' : 'not signed (Failed)'}${detail ? `: ${excerpt(detail)}` : ''}`,
    remediation:
      type === 'Denied'
        ? `Find out why the requester asked (kubectl get csr ${name} -o yaml), then clean up: kubectl delete csr ${name}`
        : `Check the signer's logs for ${name} (kubectl get csr ${name} -o yaml), fix it, then kubectl delete csr ${name} so that the requester retries`,
    ...(request !== '' && { evidence: { request } }),
  });
}
