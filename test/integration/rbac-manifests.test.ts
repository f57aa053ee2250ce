/**
 * infra/k8s: the read-only `driftwatch-auditor` ClusterRole (everything driftwatch audits except Secrets, no write
 * verbs) bound to the group driftwatch:auditors, and the opt-in Secrets role in infra/k8s/optional/. Checked as text
 * and on a real kube-apiserver with `kubectl auth can-i` as a member of the group.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli.ts';
import type { KubeWorld } from '../world/kube.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
  resourceNames?: string[];
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string }>;
}

const K8S = join(REPO_ROOT, 'infra/k8s');
const OPTIONAL = join(K8S, 'optional/auditor-secrets.yaml');
const READ_VERBS = ['get', 'list', 'watch'];
const GROUP = 'driftwatch:auditors';

function manifests(file: string): Manifest[] {
  return loadAll(readFileSync(file, 'utf8')) as Manifest[];
}

/** What `kubectl apply -f infra/k8s/` applies: the YAML files of the folder itself, not of optional/. */
function mainManifests(): Manifest[] {
  return readdirSync(K8S)
    .filter((name) => /\.ya?ml$/.test(name))
    .flatMap((name) => manifests(join(K8S, name)));
}

function clusterRole(list: Manifest[], name: string): Manifest {
  const role = list.find((m) => m.kind === 'ClusterRole' && m.metadata.name === name);
  if (!role) throw new Error(`no ClusterRole ${name}`);
  return role;
}

describe('infra/k8s manifests', () => {
  test('driftwatch-auditor reads, and only reads; no Secrets, no "*" group', () => {
    const role = clusterRole(mainManifests(), 'driftwatch-auditor');
    expect(role.rules?.length).toBeGreaterThan(0);
    for (const rule of role.rules ?? []) {
      expect([...rule.verbs].sort()).toEqual([...READ_VERBS].sort());
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.nonResourceURLs).toBeUndefined();
      if (rule.apiGroups?.includes('')) {
        // The core group holds Secrets: its resources are listed one by one.
        expect(rule.resources).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources?.some((resource) => resource.startsWith('secrets'))).toBe(false);
      }
    }
    const core = (role.rules ?? [])
      .filter((rule) => rule.apiGroups?.includes(''))
      .flatMap((rule) => rule.resources ?? []);
    for (const resource of [
      'pods',
      'services',
      'configmaps',
      'serviceaccounts',
      'namespaces',
      'nodes',
      'events',
      'persistentvolumeclaims',
    ])
      expect(core).toContain(resource);
    const groups = (role.rules ?? []).flatMap((rule) => rule.apiGroups ?? []);
    for (const group of [
      'apps',
      'batch',
      'autoscaling',
      'networking.k8s.io',
      'policy',
      'rbac.authorization.k8s.io',
      'storage.k8s.io',
      'apiextensions.k8s.io',
      'admissionregistration.k8s.io',
      'certificates.k8s.io',
    ]) {
      expect(groups).toContain(group);
    }
  });

  test('the binding gives driftwatch-auditor to the group driftwatch:auditors; the Secrets role is optional', () => {
    const list = mainManifests();
    const binding = list.find((m) => m.kind === 'ClusterRoleBinding' && m.roleRef?.name === 'driftwatch-auditor');
    expect(binding?.roleRef?.kind).toBe('ClusterRole');
    expect(binding?.subjects).toEqual([expect.objectContaining({ kind: 'Group', name: GROUP })]);
    expect(list.some((m) => m.metadata.name === 'driftwatch-auditor-secrets')).toBe(false);

    const optional = manifests(OPTIONAL);
    const secrets = clusterRole(optional, 'driftwatch-auditor-secrets');
    expect(secrets.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]);
    const secretsBinding = optional.find((m) => m.kind === 'ClusterRoleBinding');
    expect(secretsBinding?.roleRef?.name).toBe('driftwatch-auditor-secrets');
    expect(secretsBinding?.subjects).toEqual([expect.objectContaining({ kind: 'Group', name: GROUP })]);
  });
});

describe('on a real kube-apiserver', () => {
  let world: World;
  let kube: KubeWorld;
  let auditor: string;

  beforeAll(async () => {
    world = await startWorld({ kube: true, moto: false, slack: false });
    if (!world.kube) throw new Error('no kube-apiserver in the test world');
    kube = world.kube;
    await kube.kubectl(['apply', '-f', K8S]);
    auditor = await kube.userKubeconfig('driftwatch-lambda', [GROUP]);
  }, 600_000);

  afterAll(async () => {
    await world?.stop();
  });

  async function canI(verb: string, resource: string): Promise<string> {
    const result = await kube.kubectl(['auth', 'can-i', verb, resource, '--all-namespaces'], {
      kubeconfig: auditor,
      allowFailure: true,
    });
    return result.stdout.trim();
  }

  test('kubectl apply -f infra/k8s/ creates the role and binding, not the Secrets role', async () => {
    const roles = await kube.kubectl([
      'get',
      'clusterroles,clusterrolebindings',
      '-l',
      'app.kubernetes.io/name=driftwatch',
      '-o',
      'name',
    ]);
    expect(roles.stdout.trim().split('\n').sort()).toEqual([
      'clusterrole.rbac.authorization.k8s.io/driftwatch-auditor',
      'clusterrolebinding.rbac.authorization.k8s.io/driftwatch-auditor',
    ]);
  });

  test('a member of driftwatch:auditors may read what driftwatch audits', async () => {
    const readable = [
      'pods',
      'services',
      'configmaps',
      'nodes',
      'namespaces',
      'events',
      'deployments.apps',
      'statefulsets.apps',
      'cronjobs.batch',
      'horizontalpodautoscalers.autoscaling',
      'ingresses.networking.k8s.io',
      'networkpolicies.networking.k8s.io',
      'poddisruptionbudgets.policy',
      'roles.rbac.authorization.k8s.io',
      'clusterrolebindings.rbac.authorization.k8s.io',
      'storageclasses.storage.k8s.io',
      'customresourcedefinitions.apiextensions.k8s.io',
      'validatingwebhookconfigurations.admissionregistration.k8s.io',
    ];
    for (const resource of readable) {
      for (const verb of READ_VERBS)
        expect(`${verb} ${resource}: ${await canI(verb, resource)}`).toBe(`${verb} ${resource}: yes`);
    }
  }, 120_000);

  test('…but not Secrets, and never writes', async () => {
    expect(await canI('get', 'secrets')).toBe('no');
    expect(await canI('list', 'secrets')).toBe('no');
    for (const [verb, resource] of [
      ['create', 'pods'],
      ['patch', 'deployments.apps'],
      ['delete', 'configmaps'],
      ['update', 'clusterroles.rbac.authorization.k8s.io'],
      ['escalate', 'clusterroles.rbac.authorization.k8s.io'],
      ['create', 'serviceaccounts/token'],
      ['create', 'pods/exec'],
      ['deletecollection', 'events'],
    ] as const) {
      expect(`${verb} ${resource}: ${await canI(verb, resource)}`).toBe(`${verb} ${resource}: no`);
    }
  }, 120_000);

  test('infra/k8s/optional/auditor-secrets.yaml adds reading Secrets, nothing more', async () => {
    await kube.kubectl(['apply', '-f', OPTIONAL]);
    expect(await canI('get', 'secrets')).toBe('yes');
    expect(await canI('list', 'secrets')).toBe('yes');
    expect(await canI('create', 'secrets')).toBe('no');
    expect(await canI('delete', 'secrets')).toBe('no');
  }, 60_000);
});
