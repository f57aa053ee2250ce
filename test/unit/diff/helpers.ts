import type { KubeObject, ManagedFieldsEntry } from '../../../lib/kube/object.ts';

/** A Deployment with one container, for diff tests; `patch` edits a deep copy. */
export function deployment(patch: (object: DeploymentShape) => void = () => {}): KubeObject {
  const object: DeploymentShape = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1.0',
              ports: [{ containerPort: 8080, name: 'http' }],
              env: [{ name: 'LOG_LEVEL', value: 'info' }],
              resources: { requests: { cpu: '0.5', memory: '256Mi' } },
            },
          ],
        },
      },
    },
  };
  patch(object);
  return object as unknown as KubeObject;
}

export interface ContainerShape {
  name: string;
  image: string;
  ports?: Array<Record<string, unknown>>;
  env?: Array<Record<string, unknown>>;
  resources?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

export interface DeploymentShape {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    annotations?: Record<string, string>;
    managedFields?: ManagedFieldsEntry[];
    [field: string]: unknown;
  };
  spec: {
    replicas: number;
    selector: Record<string, unknown>;
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: ContainerShape[]; [field: string]: unknown };
    };
    [field: string]: unknown;
  };
}

/** What the API server adds to a Deployment: defaults, allocations, status. */
export function withServerDefaults(object: DeploymentShape): void {
  object.metadata['uid'] = '7d1c';
  object.metadata['resourceVersion'] = '12345';
  object.metadata['generation'] = 4;
  object.metadata['creationTimestamp'] = '2026-11-01T08:00:00Z';
  object.metadata.annotations = { 'deployment.kubernetes.io/revision': '4' };
  object.spec['progressDeadlineSeconds'] = 600;
  object.spec['revisionHistoryLimit'] = 10;
  object.spec['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  const pod = object.spec.template.spec;
  pod['dnsPolicy'] = 'ClusterFirst';
  pod['restartPolicy'] = 'Always';
  pod['schedulerName'] = 'default-scheduler';
  pod['securityContext'] = {};
  pod['terminationGracePeriodSeconds'] = 30;
  for (const container of pod.containers) {
    container['imagePullPolicy'] = 'IfNotPresent';
    container['terminationMessagePath'] = '/dev/termination-log';
    container['terminationMessagePolicy'] = 'File';
    for (const port of container.ports ?? []) port['protocol'] = 'TCP';
  }
  (object as unknown as Record<string, unknown>)['status'] = { replicas: 3, readyReplicas: 3 };
}

export function entry(
  manager: string,
  operation: 'Apply' | 'Update',
  time: string,
  fieldsV1: Record<string, unknown>,
  subresource?: string,
): ManagedFieldsEntry {
  const result: ManagedFieldsEntry = {
    manager,
    operation,
    apiVersion: 'apps/v1',
    time,
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
  if (subresource) result.subresource = subresource;
  return result;
}

/** The FieldsV1 that `kubectl apply --server-side` records for the declared Deployment above. */
export const APPLIED_FIELDS: Record<string, unknown> = {
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:image': {},
            'f:name': {},
            'f:env': { 'k:{"name":"LOG_LEVEL"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
            'f:ports': {
              'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} },
            },
            'f:resources': { 'f:requests': { 'f:cpu': {}, 'f:memory': {} } },
          },
        },
      },
    },
  },
};
