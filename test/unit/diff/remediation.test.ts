import { describe, expect, it } from 'vitest';
import type { DriftEntry } from '../../../lib/diff/drift.ts';
import { shellQuote, withRemediation } from '../../../lib/diff/remediation.ts';
import type { RemediationSource } from '../../../lib/diff/remediation.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';

const template = (image: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image }] },
});

const declaredWeb: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { template: template('web:1.4.2') },
};
const liveWeb: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'uid-web' },
  spec: { template: template('web:1.4.3') },
};

function replicaSet(revision: number, image: string, extraEnv = false): KubeObject {
  const spec = template(image);
  if (extraEnv) Object.assign(spec.spec.containers[0] ?? {}, { env: [{ name: 'DEBUG', value: 'true' }] });
  spec.metadata.labels = { ...spec.metadata.labels, 'pod-template-hash': `h${revision}` } as { app: string };
  // As the Deployment controller writes it: every template field owned by kube-controller-manager.
  const container = {
    'f:name': {},
    'f:image': {},
    ...(extraEnv ? { 'f:env': { '.': {}, 'k:{"name":"DEBUG"}': { '.': {}, 'f:name': {}, 'f:value': {} } } } : {}),
  };
  const fieldsV1 = {
    'f:spec': {
      'f:template': {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, ...container } } },
      },
    },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-h${revision}`,
      namespace: 'shop',
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: '2026-11-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1,
        },
      ],
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ uid: 'uid-web', controller: true, kind: 'Deployment', name: 'web' }],
    },
    spec: { replicas: 0, template: spec },
  };
}

const imageDrift: DriftEntry = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  status: 'modified',
  changes: [
    {
      path: '/spec/template/spec/containers/name=web/image',
      reason: 'differs',
      declared: 'web:1.4.2',
      live: 'web:1.4.3',
    },
  ],
};
const plain: RemediationSource = { folder: 'clusters/prod' };

describe('withRemediation', () => {
  it('rolls a Deployment back to the newest earlier revision whose template is what Git declares', () => {
    const live = [liveWeb, replicaSet(1, 'web:1.4.2'), replicaSet(2, 'web:1.4.2', true), replicaSet(3, 'web:1.4.3')];

    const [entry] = withRemediation(
      [imageDrift],
      [{ object: declaredWeb, file: 'clusters/prod/web.yaml' }],
      live,
      plain,
    );

    expect(entry?.remediation).toStrictEqual({
      command: 'kubectl rollout undo deployment.apps/web -n shop --to-revision 1',
      keep: { file: 'clusters/prod/web.yaml', paths: ['/spec/template/spec/containers/name=web/image'] },
    });
  });

  it('applies the declared file server-side when no earlier revision matches or the change is outside the template', () => {
    const scaled: DriftEntry = {
      ...imageDrift,
      changes: [{ path: '/spec/replicas', reason: 'differs', declared: 2, live: 5 }],
    };

    const [noRevision] = withRemediation(
      [imageDrift],
      [{ object: declaredWeb, file: 'clusters/prod/web.yaml' }],
      [liveWeb, replicaSet(3, 'web:1.4.3')],
      plain,
    );
    const [scale] = withRemediation(
      [scaled],
      [{ object: declaredWeb, file: 'clusters/prod/web.yaml' }],
      [liveWeb, replicaSet(1, 'web:1.4.2')],
      plain,
    );

    expect(noRevision?.remediation?.command).toBe(
      'kubectl apply --server-side --force-conflicts -f clusters/prod/web.yaml',
    );
    expect(scale?.remediation?.command).toBe('kubectl apply --server-side --force-conflicts -f clusters/prod/web.yaml');
  });

  it('pipes the render of that one object for a rendered source, and the stock tool for a Secret', () => {
    const rendered: RemediationSource = {
      folder: 'overlays/prod',
      render: {
        renderer: 'kustomize',
        location: '/repos/shop gitops',
        flags: ['--enable-helm'],
        toolCommand: 'kustomize build overlays/prod --enable-helm',
      },
    };
    const secret: DriftEntry = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db', status: 'missing' };
    const secretObject: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' } };

    const [web, db] = withRemediation(
      [imageDrift, secret],
      [
        { object: declaredWeb, file: 'overlays/prod/kustomization.yaml' },
        { object: secretObject, file: 'overlays/prod/kustomization.yaml' },
      ],
      [liveWeb],
      rendered,
    );

    expect(web?.remediation?.command).toBe(
      "driftwatch render --source '/repos/shop gitops' --path overlays/prod --enable-helm --object Deployment/shop/web --format yaml | kubectl apply --server-side --force-conflicts -f -",
    );
    expect(db?.remediation).toStrictEqual({
      command: 'kustomize build overlays/prod --enable-helm | kubectl apply --server-side --force-conflicts -f -',
    });
  });

  it('deletes an extra object, or says which folder would declare it', () => {
    const extra: DriftEntry = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      name: 'oncall',
      status: 'extra',
    };

    const [entry] = withRemediation([extra], [], [], plain);

    expect(entry?.remediation).toStrictEqual({
      command: 'kubectl delete clusterrolebinding.rbac.authorization.k8s.io/oncall',
      keep: { file: 'clusters/prod' },
    });
  });
});

describe('shellQuote', () => {
  it('leaves safe words alone and single-quotes the rest, quotes included', () => {
    expect(shellQuote('clusters/prod-eu/web.yaml')).toBe('clusters/prod-eu/web.yaml');
    expect(shellQuote("it's $HOME")).toBe("'it'\\''s $HOME'");
  });
});
