import { describe, expect, test } from 'vitest';
import { eksToken } from '../../../lib/cluster/eks.ts';

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
    const { token, expiresAt } = await eksToken('prod-eu', 'eu-west-1', { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE' }, NOW);
    expect(presignedUrl(token).searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE');
    expect(expiresAt.getTime() - NOW.getTime()).toBe(14 * 60 * 1000);
  });
});
