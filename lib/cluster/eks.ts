import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { dump } from 'js-yaml';

/** EKS accepts a token for 15 minutes after signing; renew a minute early. */
const TOKEN_LIFETIME_MS = 14 * 60 * 1000;
/** Assumed-role credentials are renewed this long before they expire. */
const CREDENTIALS_MARGIN_MS = 5 * 60 * 1000;
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

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
  credentials: Credentials,
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
  const signed = await signer.presign(request, {
    expiresIn: 60,
    signingDate: now,
    unhoistableHeaders: new Set([CLUSTER_ID_HEADER]),
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== null) query.append(key, item);
  }
  const url = `https://${hostname}/?${query.toString()}`;
  return {
    token: `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`,
    expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** Where an EKS cluster is and, optionally, the role to assume to read it. */
export interface EksTarget {
  name: string;
  region: string;
  roleArn?: string;
}

export interface EksAccessOptions {
  /** The function's own credentials (default provider chain). */
  credentials: AwsCredentialIdentityProvider;
  /** Makes the STS client of a region; called once per region, the client is then reused. */
  sts?: (region: string) => STSClient;
  /**
   * Makes the EKS client of a region for one set of credentials (the function's own, or a provider of a role's
   * assumed credentials that renews them); called once per region and role, the client is then reused.
   */
  eks?: (region: string, credentials: Credentials) => EKSClient;
  clock?: () => Date;
}

/**
 * Kubeconfigs for EKS clusters: endpoint and CA from DescribeCluster, a bearer token signed with the function's
 * credentials or with a role assumed for that cluster. Tokens and assumed credentials are cached and renewed early.
 */
export class EksAccess {
  private readonly tokens = new Map<string, EksToken>();
  private readonly roles = new Map<string, AwsCredentialIdentity>();
  /** One client per region (STS) and per region and role (EKS): a warm Lambda reuses their connections. */
  private readonly stsClients = new Map<string, STSClient>();
  private readonly eksClients = new Map<string, EKSClient>();
  private readonly options: Required<EksAccessOptions>;

  constructor(options: EksAccessOptions) {
    this.options = {
      sts: (region) => new STSClient({ region, credentials: options.credentials }),
      eks: (region, credentials) => new EKSClient({ region, credentials }),
      clock: () => new Date(),
      ...options,
    };
  }

  async kubeconfig(target: EksTarget): Promise<string> {
    const credentials = target.roleArn ? await this.assumed(target.roleArn, target.region) : this.options.credentials;
    const token = await this.token(target, credentials);
    return eksKubeconfig(this.eksClient(target.region, target.roleArn), target.name, token);
  }

  private eksClient(region: string, roleArn: string | undefined): EKSClient {
    const key = `${region}|${roleArn ?? ''}`;
    let client = this.eksClients.get(key);
    if (!client) {
      // For a role, the client asks for the assumed credentials on each call, so it outlives their renewal.
      const credentials: Credentials = roleArn ? () => this.assumed(roleArn, region) : this.options.credentials;
      client = this.options.eks(region, credentials);
      this.eksClients.set(key, client);
    }
    return client;
  }

  private stsClient(region: string): STSClient {
    let client = this.stsClients.get(region);
    if (!client) {
      client = this.options.sts(region);
      this.stsClients.set(region, client);
    }
    return client;
  }

  async token(target: EksTarget, credentials: Credentials): Promise<string> {
    const key = `${target.region}/${target.name}/${target.roleArn ?? ''}`;
    const now = this.options.clock();
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt.getTime() > now.getTime()) return cached.token;
    const fresh = await eksToken(target.name, target.region, credentials, now);
    this.tokens.set(key, fresh);
    return fresh.token;
  }

  private async assumed(roleArn: string, region: string): Promise<AwsCredentialIdentity> {
    const cached = this.roles.get(roleArn);
    const now = this.options.clock().getTime();
    if (cached?.expiration && cached.expiration.getTime() - CREDENTIALS_MARGIN_MS > now) return cached;
    const response = await this.stsClient(region).send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'driftwatch-audit', DurationSeconds: 3600 }),
    );
    const issued = response.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) throw new Error(`assuming ${roleArn} returned no credentials`);
    const credentials: AwsCredentialIdentity = {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      ...(issued.SessionToken ? { sessionToken: issued.SessionToken } : {}),
      ...(issued.Expiration ? { expiration: issued.Expiration } : {}),
    };
    this.roles.set(roleArn, credentials);
    return credentials;
  }
}

/** Endpoint and CA of an EKS cluster, as a kubeconfig that authenticates with the given token. */
export async function eksKubeconfig(client: EKSClient, clusterName: string, token: string): Promise<string> {
  const response = await client.send(new DescribeClusterCommand({ name: clusterName }));
  const endpoint = response.cluster?.endpoint;
  const certificateAuthority = response.cluster?.certificateAuthority?.data;
  if (!endpoint || !certificateAuthority)
    throw new Error(`EKS cluster ${clusterName} has no endpoint or certificate authority yet`);
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: clusterName, cluster: { server: endpoint, 'certificate-authority-data': certificateAuthority } },
    ],
    users: [{ name: 'driftwatch', user: { token } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: 'driftwatch' } }],
    'current-context': clusterName,
  });
}
