import { EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, test } from 'vitest';
import { EksAccess, eksToken } from '../../../lib/cluster/eks.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const NOW = new Date('2026-11-20T10:00:00Z');

function presignedUrl(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const encoded = token.slice('k8s-aws-v1.'.length);
  expect(encoded).not.toMatch(/[=+/]/);
  return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
}

describe('EKS bearer token', () => {
  test('is a presigned STS GetCallerIdentity URL for the region, as aws eks get-token makes it', async () => {
    const { token } = await eksToken('prod-eu', 'eu-west-1', credentials, NOW);
    const url = presignedUrl(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261120/eu-west-1/sts/aws4_request');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261120T100000Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('signs the x-k8s-aws-id header naming the cluster, and does not move it into the query', async () => {
    const url = presignedUrl((await eksToken('prod-eu', 'eu-west-1', credentials, NOW)).token);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['host', 'x-k8s-aws-id']);
    expect(url.searchParams.has('x-k8s-aws-id')).toBe(false);
  });

  test('another cluster gives another signature; the same inputs the same token', async () => {
    const first = await eksToken('prod-eu', 'eu-west-1', credentials, NOW);
    const again = await eksToken('prod-eu', 'eu-west-1', credentials, NOW);
    const other = await eksToken('prod-us', 'eu-west-1', credentials, NOW);
    expect(again.token).toBe(first.token);
    expect(other.token).not.toBe(first.token);
  });

  test('carries the session token of temporary credentials and is renewed before 15 minutes', async () => {
    const { token, expiresAt } = await eksToken(
      'prod-eu',
      'eu-west-1',
      { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE' },
      NOW,
    );
    expect(presignedUrl(token).searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE');
    expect(expiresAt.getTime() - NOW.getTime()).toBe(14 * 60 * 1000);
  });
});

describe('EksAccess clients', () => {
  /** Clients that answer from the middleware stack, never over the network, counting how many were made. */
  function countingAccess(): { access: EksAccess; made: { eks: string[]; sts: string[] }; given: unknown[] } {
    const made = { eks: [] as string[], sts: [] as string[] };
    const given: unknown[] = [];
    const access = new EksAccess({
      credentials: async () => credentials,
      eks: (region, clientCredentials) => {
        made.eks.push(region);
        given.push(clientCredentials);
        const client = new EKSClient({ region, credentials });
        client.middlewareStack.add(
          () => async () => ({
            output: {
              $metadata: {},
              cluster: { endpoint: 'https://eks.example', certificateAuthority: { data: 'Q0E=' } },
            },
            response: {},
          }),
          { step: 'initialize' },
        );
        return client;
      },
      sts: (region) => {
        made.sts.push(region);
        const client = new STSClient({ region, credentials });
        const expiration = new Date(Date.now() + 3600_000);
        const issued = {
          AccessKeyId: 'ASIAROLE',
          SecretAccessKey: 'secret',
          SessionToken: 'session',
          Expiration: expiration,
        };
        client.middlewareStack.add(
          () => async () => ({ output: { $metadata: {}, Credentials: issued }, response: {} }),
          { step: 'initialize' },
        );
        return client;
      },
    });
    return { access, made, given };
  }

  test('one EKS client per region and role, one STS client per region, however many kubeconfigs', async () => {
    const { access, made } = countingAccess();
    for (let round = 0; round < 3; round += 1) {
      await access.kubeconfig({ name: 'prod-eu', region: 'eu-west-1' });
      await access.kubeconfig({ name: 'stage-eu', region: 'eu-west-1' });
      await access.kubeconfig({ name: 'prod-us', region: 'us-east-1' });
      await access.kubeconfig({ name: 'other', region: 'eu-west-1', roleArn: 'arn:aws:iam::2:role/reader' });
    }
    expect(made.eks.sort()).toEqual(['eu-west-1', 'eu-west-1', 'us-east-1']);
    expect(made.sts).toEqual(['eu-west-1']);
  });

  test("a role's EKS client asks for the assumed credentials on each use, so it outlives their renewal", async () => {
    const { access, given } = countingAccess();
    await access.kubeconfig({ name: 'other', region: 'eu-west-1', roleArn: 'arn:aws:iam::2:role/reader' });
    const provider = given[0];
    expect(typeof provider).toBe('function');
    if (typeof provider !== 'function') return;
    expect(await (provider as () => Promise<{ accessKeyId: string }>)()).toMatchObject({ accessKeyId: 'ASIAROLE' });
  });
});
