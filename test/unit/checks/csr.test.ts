import { describe, expect, it } from 'vitest';
import { ago, config, object, runCheck } from './helpers.ts';

function csr(name: string, minutes: number, conditions?: unknown[]): ReturnType<typeof object> {
  return object('certificates.k8s.io/v1', 'CertificateSigningRequest', name, undefined, {
    metadata: { creationTimestamp: ago(minutes) },
    spec: { username: 'system:node:node-1', signerName: 'kubernetes.io/kubelet-serving' },
    ...(conditions !== undefined && { status: { conditions } }),
  });
}

describe('csr-pending', () => {
  it('fires on a CSR without decision after an hour, naming requester and signer, with approve and deny', () => {
    const [found] = runCheck('csr-pending', [csr('csr-x', 90)]);

    expect(found).toMatchObject({ severity: 'medium', kind: 'CertificateSigningRequest', name: 'csr-x' });
    expect(found?.message).toBe(
      'CertificateSigningRequest csr-x from system:node:node-1 for kubernetes.io/kubelet-serving has been pending for 90 min (threshold 60 min)',
    );
    expect(found?.remediation).toContain('kubectl certificate approve csr-x');
    expect(found?.remediation).toContain('kubectl certificate deny csr-x');
  });

  it('stays quiet on a young pending twin and on an approved one', () => {
    expect(runCheck('csr-pending', [csr('csr-young', 30), csr('csr-ok', 90, [{ type: 'Approved', status: 'True' }])])).toStrictEqual([]);
  });

  it('follows a configured threshold', () => {
    expect(runCheck('csr-pending', [csr('csr-x', 30)], { config: config({ csrPending: { minutes: 15 } }) })).toHaveLength(1);
  });
});

describe('csr-denied and csr-failed', () => {
  it('fires csr-denied on a Denied CSR, with its reason', () => {
    const [found] = runCheck('csr-denied', [csr('csr-x', 5, [{ type: 'Denied', status: 'True', reason: 'AdminDenied', message: 'not ours' }])]);

    expect(found?.severity).toBe('low');
    expect(found?.message).toContain('was denied: AdminDenied: not ours');
    expect(found?.remediation).toContain('kubectl delete csr csr-x');
  });

  it('fires csr-failed on an approved CSR the signer failed', () => {
    const conditions = [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True', reason: 'SignerError' }];

    expect(runCheck('csr-failed', [csr('csr-x', 5, conditions)])[0]?.message).toContain('not signed (Failed): SignerError');
  });

  it('stays quiet on an approved twin', () => {
    const approved = [csr('csr-x', 5, [{ type: 'Approved', status: 'True' }])];

    expect([...runCheck('csr-denied', approved), ...runCheck('csr-failed', approved)]).toStrictEqual([]);
  });
});
