import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EksTarget } from '../../../lib/cluster/eks.ts';
import { readLiveState } from '../../../lib/pipeline/live.ts';
import {
  discoveryHandler,
  kubeconfigFor,
  listHandler,
  listItem,
  startFakeApiServer,
} from '../cluster/fake-apiserver.ts';
import type { FakeApiServer } from '../cluster/fake-apiserver.ts';

const TOKEN = 'fake-token';
const CONFIG_MAPS = [{ group: '', kind: 'ConfigMap' }];
let fake: FakeApiServer;
let scratch: string;

beforeAll(async () => {
  fake = await startFakeApiServer(
    discoveryHandler({ core: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }], groups: [] }),
    listHandler('v1', 'configmaps', 'ConfigMapList', [listItem('flags', 'shop'), listItem('other', 'web')]),
  );
  scratch = await mkdtemp(join(tmpdir(), 'driftwatch-live-'));
});

afterAll(async () => {
  await fake.close();
  await rm(scratch, { recursive: true, force: true });
});

const names = (state: { objects: Array<{ metadata: { name?: string } }> }): Array<string | undefined> =>
  state.objects.map((object) => object.metadata.name).sort();

describe('readLiveState', () => {
  test('snapshot: the file, whatever the kinds', async () => {
    const path = join(scratch, 'live.json');
    await writeFile(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'snap', namespace: 'shop' } }],
      }),
    );
    const state = await readLiveState({ type: 'snapshot', path }, CONFIG_MAPS, undefined);
    expect(names(state)).toEqual(['snap']);
  });

  test('kubeconfig file and context, in the namespaces asked for, with progress', async () => {
    const path = join(scratch, 'kubeconfig');
    await writeFile(path, kubeconfigFor(fake.url, TOKEN));
    const progress: string[] = [];
    const state = await readLiveState({ type: 'kubeconfig', path, context: 'other' }, CONFIG_MAPS, ['shop'], {
      onProgress: (line) => progress.push(line),
      timeoutMs: 5000,
    });
    expect(state.origin).toBe('kubeconfig:other');
    expect(names(state)).toEqual(['flags']);
    expect(progress.length).toBeGreaterThan(0);
  });

  test('kubeconfigSecret: the kubeconfig comes from the secrets reader', async () => {
    const read: string[] = [];
    const secrets = {
      read: async (secretId: string): Promise<string> => {
        read.push(secretId);
        return kubeconfigFor(fake.url, TOKEN);
      },
    };
    const state = await readLiveState(
      { type: 'kubeconfigSecret', secretId: 'prod/kubeconfig' },
      CONFIG_MAPS,
      undefined,
      { secrets },
    );
    expect(read).toEqual(['prod/kubeconfig']);
    expect(names(state)).toEqual(['flags', 'other']);
  });

  test('eks: the kubeconfig comes from EKS access, with the role when there is one', async () => {
    const targets: EksTarget[] = [];
    const eks = {
      kubeconfig: async (target: EksTarget): Promise<string> => {
        targets.push(target);
        return kubeconfigFor(fake.url, TOKEN);
      },
    };
    const state = await readLiveState(
      { type: 'eks', name: 'prod-eu', region: 'eu-west-1', roleArn: 'arn:aws:iam::1:role/r' },
      CONFIG_MAPS,
      ['web'],
      { eks },
    );
    expect(targets).toEqual([{ name: 'prod-eu', region: 'eu-west-1', roleArn: 'arn:aws:iam::1:role/r' }]);
    expect(names(state)).toEqual(['other']);
  });

  test('secret or EKS access without what it needs is a clear error', async () => {
    await expect(
      readLiveState({ type: 'kubeconfigSecret', secretId: 'prod/kubeconfig' }, CONFIG_MAPS, undefined),
    ).rejects.toThrow('secret prod/kubeconfig cannot be read here');
    await expect(
      readLiveState({ type: 'eks', name: 'prod-eu', region: 'eu-west-1' }, CONFIG_MAPS, undefined),
    ).rejects.toThrow('EKS cluster prod-eu cannot be reached here');
  });
});
