import { runChecks } from '../../../lib/checks/index.ts';
import type { CheckFinding, ChecksInput } from '../../../lib/checks/index.ts';
import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/defaults.ts';
import type { ChecksConfig } from '../../../lib/config/types.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { isPlainObject } from '../../../lib/kube/object.ts';

export const NOW = new Date('2026-05-01T12:00:00Z');

export function config(overrides: Partial<ChecksConfig> = {}): ChecksConfig {
  return { ...structuredClone(DEFAULT_CHECKS_CONFIG), ...overrides };
}

export function run(objects: KubeObject[], input: Partial<ChecksInput> = {}): CheckFinding[] {
  return runChecks({ objects, now: NOW, config: config(), ...input });
}

/** Findings of one check only: each test looks at the check it is about. */
export function runCheck(check: string, objects: KubeObject[], input: Partial<ChecksInput> = {}): CheckFinding[] {
  return run(objects, input).filter((found) => found.check === check);
}

export function object(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string | undefined,
  fields: Record<string, unknown> = {},
): KubeObject {
  const { metadata, ...rest } = fields;
  return {
    apiVersion,
    kind,
    ...rest,
    metadata: { name, ...(namespace !== undefined && { namespace }), ...(isPlainObject(metadata) ? metadata : {}) },
  };
}

export function pod(name: string, fields: Record<string, unknown> = {}, namespace = 'shop'): KubeObject {
  return object('v1', 'Pod', name, namespace, {
    spec: { containers: [{ name: 'app', image: 'shop/web:1.4.2' }] },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'app', image: 'shop/web:1.4.2', restartCount: 0, state: { running: {} } }],
    },
    ...fields,
  });
}

export function waitingStatus(reason: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    phase: 'Pending',
    containerStatuses: [
      {
        name: 'app',
        image: 'shop/web:1.4.2',
        restartCount: 0,
        state: { waiting: { reason, message: `${reason} detail` } },
        ...extra,
      },
    ],
  };
}

export function node(name: string, fields: Record<string, unknown> = {}): KubeObject {
  return object('v1', 'Node', name, undefined, {
    spec: {},
    status: {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'MemoryPressure', status: 'False' },
      ],
    },
    ...fields,
  });
}
