import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EksAccess } from '../../lib/cluster/eks.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/** EKS access against moto_server: DescribeCluster for endpoint and CA, AssumeRole for a cross-account role. */
let world: World;
const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let endpoint: string;

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ user: { token: string } }>;
}

beforeAll(async () => {
  world = await startWorld({ kube: false, moto: true, slack: false });
  endpoint = world.env.AWS_ENDPOINT_URL ?? '';
  const eks = new EKSClient({ region: REGION, endpoint, credentials });
  await eks.send(
    new CreateClusterCommand({
      name: 'prod-eu',
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      resourcesVpcConfig: { subnetIds: ['subnet-1'] },
    }),
  );
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

function access(): EksAccess {
  return new EksAccess({
    credentials: async () => credentials,
    eks: (region, clientCredentials) => new EKSClient({ region, endpoint, credentials: clientCredentials }),
  });
}

describe('EKS access', () => {
  test('builds a kubeconfig from DescribeCluster with a bearer token', async () => {
    const kubeconfig = load(await access().kubeconfig({ name: 'prod-eu', region: REGION })) as Kubeconfig;
    expect(kubeconfig.clusters[0]?.cluster.server).toMatch(/^https:\/\//);
    expect(kubeconfig.clusters[0]?.cluster['certificate-authority-data'].length).toBeGreaterThan(0);
    expect(kubeconfig.users[0]?.user.token).toMatch(/^k8s-aws-v1\./);
  });

  test('reuses the token while it is valid', async () => {
    const eksAccess = access();
    const first = load(await eksAccess.kubeconfig({ name: 'prod-eu', region: REGION })) as Kubeconfig;
    const second = load(await eksAccess.kubeconfig({ name: 'prod-eu', region: REGION })) as Kubeconfig;
    expect(second.users[0]?.user.token).toBe(first.users[0]?.user.token);
  });

  test('signs with the credentials of an assumed role when the cluster names one', async () => {
    const eksAccess = new EksAccess({
      credentials: async () => credentials,
      sts: (region) => new STSClient({ region, endpoint, credentials }),
      eks: (region, clientCredentials) => new EKSClient({ region, endpoint, credentials: clientCredentials }),
    });
    const kubeconfig = load(
      await eksAccess.kubeconfig({
        name: 'prod-eu',
        region: REGION,
        roleArn: 'arn:aws:iam::123456789012:role/driftwatch-reader',
      }),
    ) as Kubeconfig;
    const url = new URL(
      Buffer.from((kubeconfig.users[0]?.user.token ?? '').slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'),
    );
    expect(url.searchParams.get('X-Amz-Credential')?.startsWith('testing/')).toBe(false);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBeTruthy();
  });
});
