import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { EKSClient } from '@aws-sdk/client-eks';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { dump } from 'js-yaml';

/** EKS accepts a token for 15 minutes after signing; renew a minute early. */
const TOKEN_LIFETIME_MS = 14 * 60 * 1000;
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

export interface EksToken {
  token: string;
  expiresAt: Date;
}

/**
 * The bearer token `aws eks get-token` makes, built in code: `k8s-aws-v1.` + base64url of a presigned STS
 * GetCallerIdentity URL whose signature covers the `x-k8s-aws-id` header naming the cluster. Nothing is sent to AWS.
 */
export async function eksToken(
  clusterName: string,
  region: string,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  now: Date = new Date(),
): Promise<EksToken> {
  const hostname = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Hash.bind(null, 'sha256') });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, [CLUSTER_ID_HEADER]: clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: 60, signingDate: now, unhoistableHeaders: new Set([CLUSTER_ID_HEADER]) });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== null) query.append(key, item);
  }
  const url = `https://${hostname}/?${query.toString()}`;
  return { token: `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`, expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS) };
}

/** Hands out EKS tokens, renewing each one before it runs out. */
export class EksTokenCache {
  private readonly tokens = new Map<string, EksToken>();
  private readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  private readonly clock: () => Date;

  constructor(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider, clock: () => Date = () => new Date()) {
    this.credentials = credentials;
    this.clock = clock;
  }

  async token(clusterName: string, region: string): Promise<string> {
    const key = `${region}/${clusterName}`;
    const cached = this.tokens.get(key);
    const now = this.clock();
    if (cached && cached.expiresAt.getTime() > now.getTime()) return cached.token;
    const fresh = await eksToken(clusterName, region, this.credentials, now);
    this.tokens.set(key, fresh);
    return fresh.token;
  }
}

/** Endpoint and CA of an EKS cluster, as a kubeconfig that authenticates with the given token. */
export async function eksKubeconfig(client: EKSClient, clusterName: string, token: string): Promise<string> {
  const response = await client.send(new DescribeClusterCommand({ name: clusterName }));
  const endpoint = response.cluster?.endpoint;
  const certificateAuthority = response.cluster?.certificateAuthority?.data;
  if (!endpoint || !certificateAuthority) throw new Error(`EKS cluster ${clusterName} has no endpoint or certificate authority yet`);
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: endpoint, 'certificate-authority-data': certificateAuthority } }],
    users: [{ name: 'driftwatch', user: { token } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: 'driftwatch' } }],
    'current-context': clusterName,
  });
}
