import type { KubeObject } from '../kube/object.ts';
import type { CheckContext } from './context.ts';
import { subjectOf } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { POD } from './definition.ts';
import { at, count, records, text } from './field-readers.ts';
import type { CheckFinding, FindingParts } from './finding.ts';
import { describe, finding } from './finding.ts';
import { excerpt } from './message-text.ts';

export const podImagePull: CheckDefinition<'pod-image-pull'> = {
  id: 'pod-image-pull',
  severity: 'high',
  title: 'Container cannot pull its image (ImagePullBackOff/ErrImagePull)',
  firesOn: 'container waiting in ImagePullBackOff / ErrImagePull / InvalidImageName',
  reads: [POD],
  run: (context) => stuckContainerFindings(context, podImagePull),
};

export const podCrashLoop: CheckDefinition<'pod-crash-loop'> = {
  id: 'pod-crash-loop',
  severity: 'high',
  title: 'Container in CrashLoopBackOff',
  firesOn: 'container waiting in CrashLoopBackOff',
  reads: [POD],
  run: (context) => stuckContainerFindings(context, podCrashLoop),
};

export const podConfigError: CheckDefinition<'pod-config-error'> = {
  id: 'pod-config-error',
  severity: 'high',
  title: 'Container cannot start: CreateContainerConfigError',
  firesOn: 'container waiting in CreateContainerConfigError',
  reads: [POD],
  run: (context) => stuckContainerFindings(context, podConfigError),
};

export const podRestarts: CheckDefinition<'pod-restarts'> = {
  id: 'pod-restarts',
  severity: 'medium',
  title: 'Container restarted more often than the threshold',
  firesOn: 'container restartCount above `checks.podRestarts.threshold` (5); not for crash-looping containers',
  reads: [POD],
  run: (context) => restartFindings(context),
};

type StuckCheckId = (typeof podImagePull | typeof podCrashLoop | typeof podConfigError)['id'];

/** A container status, flattened. */
export interface ContainerState {
  container: string;
  image: string;
  restarts: number;
  waitingReason?: string;
  waitingMessage?: string;
  /** `OOMKilled, exit code 137` from lastState.terminated. */
  lastExit?: string;
}

/** Waiting reasons that mean the container will not start without help. */
const STUCK_REASONS: Readonly<Record<string, StuckCheckId>> = {
  ImagePullBackOff: 'pod-image-pull',
  ErrImagePull: 'pod-image-pull',
  InvalidImageName: 'pod-image-pull',
  CrashLoopBackOff: 'pod-crash-loop',
  CreateContainerConfigError: 'pod-config-error',
};

export function containerStates(pod: KubeObject): ContainerState[] {
  const status = pod['status'];
  return ['initContainerStatuses', 'containerStatuses', 'ephemeralContainerStatuses']
    .flatMap((field) => records(at(status, field)))
    .map((entry) => {
      const waiting = at(entry, 'state', 'waiting');
      const terminated = at(entry, 'lastState', 'terminated');
      const waitingReason = text(at(waiting, 'reason'));
      const waitingMessage = text(at(waiting, 'message'));
      const lastExit = exitOf(terminated);
      return {
        container: text(entry['name']) ?? '?',
        image: text(entry['image']) ?? '',
        restarts: count(entry['restartCount']) ?? 0,
        ...(waitingReason !== undefined && { waitingReason }),
        ...(waitingMessage !== undefined && { waitingMessage }),
        ...(lastExit !== undefined && { lastExit }),
      };
    });
}

function exitOf(terminated: unknown): string | undefined {
  const reason = text(at(terminated, 'reason'));
  const code = count(at(terminated, 'exitCode'));
  if (reason === undefined && code === undefined) return undefined;
  return [reason, code === undefined ? undefined : `exit code ${code}`].filter((part) => part !== undefined).join(', ');
}

/** The check a stuck container belongs to, if it is stuck. */
export function stuckCheck(state: ContainerState): StuckCheckId | undefined {
  return state.waitingReason === undefined ? undefined : STUCK_REASONS[state.waitingReason];
}

/** pod-image-pull, pod-crash-loop, pod-config-error: one finding per pod and check, naming every stuck container. */
function stuckContainerFindings(context: CheckContext, check: CheckDefinition<StuckCheckId>): CheckFinding[] {
  return context.ofKind('', 'Pod').flatMap((pod) => {
    const states = containerStates(pod).filter((state) => stuckCheck(state) === check.id);
    return states.length === 0 ? [] : [finding(check, subjectOf(pod), stuckParts(check.id, pod, states))];
  });
}

function stuckParts(check: StuckCheckId, pod: KubeObject, states: readonly ContainerState[]): FindingParts {
  const { name, namespace = 'default' } = pod.metadata;
  const first = states[0]?.container ?? '';
  const what = states.map((state) => `${containerLabel(state, check)} (${waitingText(state)})`).join('; ');
  const evidence = { containers: states.map((state) => state.container), reason: states[0]?.waitingReason ?? '' };
  const message = `${describe(subjectOf(pod))}: ${what}`;
  switch (check) {
    case 'pod-image-pull':
      return {
        message,
        evidence,
        remediation: `kubectl describe pod ${name} -n ${namespace} — check that the image and tag exist and that imagePullSecrets (or the node's registry credentials) can pull it`,
      };
    case 'pod-crash-loop':
      return { message, evidence, remediation: `kubectl logs ${name} -n ${namespace} -c ${first} --previous` };
    default:
      return {
        message,
        evidence,
        remediation: `kubectl describe pod ${name} -n ${namespace} — create the ConfigMap/Secret it references or fix the reference (kubectl get configmap,secret -n ${namespace})`,
      };
  }
}

function containerLabel(state: ContainerState, check: StuckCheckId): string {
  if (check === 'pod-image-pull') return `container "${state.container}" cannot pull image "${state.image}"`;
  if (check === 'pod-crash-loop')
    return `container "${state.container}" is crash-looping after ${state.restarts} restarts`;
  return `container "${state.container}" cannot be created`;
}

function waitingText(state: ContainerState): string {
  const parts = [
    state.waitingReason,
    state.waitingMessage && excerpt(state.waitingMessage),
    state.lastExit && `last exit: ${state.lastExit}`,
  ];
  return parts.filter((part) => part !== undefined && part !== '').join(': ');
}

/**
 * pod-restarts: containers restarted more than the threshold. A container in CrashLoopBackOff is left to
 * pod-crash-loop, which already says so with a sharper remediation.
 */
function restartFindings(context: CheckContext): CheckFinding[] {
  const threshold = context.config.podRestarts.threshold;
  return context.ofKind('', 'Pod').flatMap((pod) => {
    const restarted = containerStates(pod).filter(
      (state) => state.restarts > threshold && stuckCheck(state) !== 'pod-crash-loop',
    );
    const first = restarted[0];
    if (first === undefined) return [];
    const { name, namespace = 'default' } = pod.metadata;
    const what = restarted
      .map(
        (state) =>
          `container "${state.container}" restarted ${state.restarts} times${state.lastExit ? ` (last exit: ${state.lastExit})` : ''}`,
      )
      .join('; ');
    return [
      finding(podRestarts, subjectOf(pod), {
        message: `${describe(subjectOf(pod))}: ${what}; threshold ${threshold}`,
        remediation: `kubectl logs ${name} -n ${namespace} -c ${first.container} --previous (and kubectl describe pod ${name} -n ${namespace} for OOMKilled or failing probes)`,
        evidence: {
          containers: restarted.map((state) => state.container),
          restarts: Math.max(...restarted.map((state) => state.restarts)),
          threshold,
        },
      }),
    ];
  });
}
