import { at, record, records, text, texts } from './field-readers.ts';
import type { Fields } from './field-readers.ts';
import { podSpecCheck } from './pod-spec-findings.ts';
import { showCommand } from './pod-spec-rule.ts';
import { containersOf } from './pod-specs.ts';

/**
 * Added capabilities that amount to host or cluster-network control. NET_RAW is not listed: container runtimes
 * grant it by default, so adding it changes nothing (dropping it is hardening, a different check).
 */
export const DANGEROUS_CAPABILITIES: readonly string[] = [
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'SYS_RAWIO',
  'DAC_READ_SEARCH',
  'BPF',
];

const HOST_NAMESPACES = ['hostPID', 'hostNetwork', 'hostIPC'];

function containerName(container: Fields): string {
  return text(container['name']) ?? '?';
}

function perContainer(spec: Fields, problem: (container: Fields) => string | undefined): string[] {
  return containersOf(spec).flatMap((container) => {
    const found = problem(container);
    return found === undefined ? [] : [`container "${containerName(container)}" ${found}`];
  });
}

export const podPrivileged = podSpecCheck({
  id: 'pod-privileged',
  severity: 'critical',
  title: 'Privileged container',
  firesOn: '`securityContext.privileged: true`',
  inspect: (spec) =>
    perContainer(spec, (container) =>
      at(container, 'securityContext', 'privileged') === true ? 'is privileged' : undefined,
    ),
  remediation: (subject) =>
    `Remove securityContext.privileged from the template in Git (inspect: ${showCommand(subject)}); grant only the capabilities it needs, or add an exemption with a reason`,
});

export const podHostNamespaces = podSpecCheck({
  id: 'pod-host-namespaces',
  severity: 'high',
  title: 'Pod shares the host PID, network or IPC namespace',
  firesOn: '`hostPID`, `hostNetwork` or `hostIPC: true`',
  inspect: (spec) => HOST_NAMESPACES.filter((field) => spec[field] === true).map((field) => `${field}: true`),
  remediation: (subject) =>
    `Remove ${HOST_NAMESPACES.join('/')} from the pod spec in Git (inspect: ${showCommand(subject)})`,
});

export const podPrivilegeEscalation = podSpecCheck({
  id: 'pod-privilege-escalation',
  severity: 'medium',
  title: 'Container sets allowPrivilegeEscalation: true',
  firesOn: '`allowPrivilegeEscalation: true` (explicit)',
  inspect: (spec) =>
    perContainer(spec, (container) =>
      at(container, 'securityContext', 'allowPrivilegeEscalation') === true
        ? 'sets allowPrivilegeEscalation: true'
        : undefined,
    ),
  remediation: (subject) =>
    `Set securityContext.allowPrivilegeEscalation: false in Git (inspect: ${showCommand(subject)})`,
});

export const podDangerousCapabilities = podSpecCheck({
  id: 'pod-dangerous-capabilities',
  severity: 'high',
  title: 'Container adds a dangerous Linux capability',
  firesOn:
    '`capabilities.add` with ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH or BPF',
  inspect: (spec) =>
    perContainer(spec, (container) => {
      const added = texts(at(container, 'securityContext', 'capabilities', 'add')).map(canonicalCapability);
      const dangerous = added.filter((capability) => DANGEROUS_CAPABILITIES.includes(capability));
      return dangerous.length === 0 ? undefined : `adds ${dangerous.join(', ')}`;
    }),
  remediation: (subject) =>
    `Drop the capability from securityContext.capabilities.add in Git (inspect: ${showCommand(subject)})`,
});

/** `cap_sys_admin` and `SYS_ADMIN` are the same capability to the runtime. */
function canonicalCapability(capability: string): string {
  return capability.toUpperCase().replace(/^CAP_/, '');
}

export const podHostPath = podSpecCheck({
  id: 'pod-host-path',
  severity: 'high',
  title: 'Pod mounts a hostPath volume',
  firesOn: 'a `hostPath` volume',
  inspect: (spec) =>
    records(spec['volumes']).flatMap((volume) => {
      const path = text(at(volume, 'hostPath', 'path'));
      if (record(volume['hostPath']) === undefined) return [];
      return [`volume "${text(volume['name']) ?? '?'}" mounts hostPath ${path ?? '?'}`];
    }),
  remediation: (subject) =>
    `Replace the hostPath volume (emptyDir, a PVC, a ConfigMap) in Git (inspect: ${showCommand(subject)})`,
});
