import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/index.ts';
import { parseSnapshot } from '../../../lib/cluster/snapshot.ts';
import type { LiveNeeds } from '../../../lib/pipeline/audit-cluster.ts';
import { auditSnapshot, snapshotText, tree } from './helpers.ts';

const DECLARED = tree({
  'app.yaml': [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 1}',
    'apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: shop}\ndata: {a: Yg==}',
  ].join('\n---\n'),
});

async function needsOf(checksEnabled: boolean): Promise<LiveNeeds | undefined> {
  let seen: LiveNeeds | undefined;
  await auditSnapshot('', {
    tree: DECLARED,
    checks: { config: { ...structuredClone(DEFAULT_CHECKS_CONFIG), enabled: checksEnabled }, exemptions: [] },
    readLive: (_kinds, _namespaces, needs) => {
      seen = needs;
      return Promise.resolve(parseSnapshot(snapshotText([]), 'snapshot.json'));
    },
  });
  return seen;
}

describe('what the audit asks a live reader to keep (LiveNeeds)', () => {
  it('without the checks: the declared kinds (Secrets too, which a snapshot compares), ReplicaSets, HPAs and CRDs', async () => {
    const needs = await needsOf(false);
    expect(needs?.otherKinds).toBe('drop');
    expect([...(needs?.fullKinds ?? [])].sort()).toEqual([
      '/Secret',
      'apiextensions.k8s.io/CustomResourceDefinition',
      'apps/Deployment',
      'apps/ReplicaSet',
      'autoscaling/HorizontalPodAutoscaler',
    ]);
  });

  it('with the checks: every kind, since the hand-made-object check reads whatever it is given, but no field sets', async () => {
    const needs = await needsOf(true);
    expect(needs?.otherKinds).toBe('without-field-sets');
    expect(needs?.fullKinds.has('apps/Deployment')).toBe(true);
    expect(needs?.fullKinds.has('/Pod')).toBe(false);
  });
});
