import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadRuntimeConfig } from '../../lib/aws/config-source.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/** The deployed auditor reads its config from a bundled file, S3 or SSM; the last two against moto_server. */
let world: World;
let clients: { s3: () => S3Client; ssm: () => SSMClient };
const CONFIG =
  'source:\n  location: s3://gitops/archive.tar.gz\n  token: ${env:GIT_TOKEN}\nclusters:\n  - name: prod\n    path: clusters/prod\n    eks: { name: prod, region: eu-west-1 }\n';

beforeAll(async () => {
  world = await startWorld({ kube: false, moto: true, slack: false });
  const settings = {
    region: 'us-east-1',
    endpoint: world.env.AWS_ENDPOINT_URL ?? '',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  const s3 = new S3Client({ ...settings, forcePathStyle: true });
  const ssm = new SSMClient(settings);
  clients = { s3: () => s3, ssm: () => ssm };
  await s3.send(new CreateBucketCommand({ Bucket: 'driftwatch-config' }));
  await s3.send(new PutObjectCommand({ Bucket: 'driftwatch-config', Key: 'prod/driftwatch.yaml', Body: CONFIG }));
  await ssm.send(new PutParameterCommand({ Name: '/driftwatch/config', Type: 'SecureString', Value: CONFIG }));
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('runtime config', () => {
  test.each([['s3://driftwatch-config/prod/driftwatch.yaml'], ['ssm:/driftwatch/config']])(
    'loads and validates %s, with ${env:} interpolation',
    async (location) => {
      const config = await loadRuntimeConfig(location, clients, { GIT_TOKEN: 'from-env' });
      expect(config.source).toMatchObject({ location: 's3://gitops/archive.tar.gz', token: 'from-env' });
      expect(config.clusters[0]).toMatchObject({
        name: 'prod',
        access: { type: 'eks', name: 'prod', region: 'eu-west-1' },
      });
    },
  );

  test('a config error names the S3 location and the path, not a stack', async () => {
    await clients
      .s3()
      .send(
        new PutObjectCommand({ Bucket: 'driftwatch-config', Key: 'broken.yaml', Body: 'source: {}\nclusters: []\n' }),
      );
    await expect(loadRuntimeConfig('s3://driftwatch-config/broken.yaml', clients, {})).rejects.toThrow(
      /s3:\/\/driftwatch-config\/broken\.yaml.*source\.location: required/s,
    );
  });
});
