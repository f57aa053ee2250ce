import type { ReportKeys } from '../store/layout.ts';
import { isPlainObject } from '../kube/object.ts';

/**
 * What a cluster's runs stored and told, kept next to the reports (`state/<cluster>.json` in S3): it makes a
 * redelivered message finish its run instead of running it again, and lets a channel that missed news get it later.
 */
export interface DeliveryState {
  cluster: string;
  /** The report the last run of this cluster stored: a message of that run handled again finds it here. */
  stored?: StoredRun;
  /**
   * Per channel, the report it is up to date with: the last one it was told about, or that had nothing new for it.
   * A channel whose entry is older than the previous report missed news; it is told the difference from its entry.
   */
  channels: Record<string, ChannelMark>;
}

export interface StoredRun {
  runId: string;
  /** When the schedule made the run, when the message said; an older message of another run is stale. */
  scheduledAt?: string;
  generatedAt: string;
  keys: ReportKeys;
}

export interface ChannelMark {
  /** The run whose report the channel is up to date with; absent: none yet (everything is news to it). */
  runId?: string;
  /** That report's dated key. */
  report?: string;
  /** When the channel took it (or was found to have nothing new in it). */
  at: string;
}

/** Where delivery state lives; absent for the CLI, whose runs are never delivered twice. */
export interface DeliveryLedger {
  read(cluster: string): Promise<DeliveryState | undefined>;
  write(state: DeliveryState): Promise<void>;
}

function isKeys(value: unknown): value is ReportKeys {
  return (
    isPlainObject(value) &&
    typeof value['report'] === 'string' &&
    typeof value['findings'] === 'string' &&
    typeof value['latest'] === 'string'
  );
}

function asStoredRun(value: unknown): StoredRun | undefined {
  if (
    !isPlainObject(value) ||
    typeof value['runId'] !== 'string' ||
    typeof value['generatedAt'] !== 'string' ||
    !isKeys(value['keys'])
  )
    return undefined;
  return {
    runId: value['runId'],
    generatedAt: value['generatedAt'],
    keys: value['keys'],
    ...(typeof value['scheduledAt'] === 'string' ? { scheduledAt: value['scheduledAt'] } : {}),
  };
}

function asChannelMark(value: unknown): ChannelMark | undefined {
  if (!isPlainObject(value) || typeof value['at'] !== 'string') return undefined;
  const { runId, report } = value;
  if (typeof runId === 'string' && typeof report === 'string') return { runId, report, at: value['at'] };
  return runId === undefined && report === undefined ? { at: value['at'] } : undefined;
}

/**
 * The state stored for this cluster, or undefined when the text is not one (then every channel counts as up to date
 * with the latest report, as before the state existed: nothing is told twice, at worst one missed message stays missed).
 */
export function parseDeliveryState(text: string, cluster: string): DeliveryState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed) || parsed['cluster'] !== cluster || !isPlainObject(parsed['channels'])) return undefined;
  const channels: Record<string, ChannelMark> = {};
  for (const [channel, mark] of Object.entries(parsed['channels'])) {
    const checked = asChannelMark(mark);
    if (checked) channels[channel] = checked;
  }
  const stored = asStoredRun(parsed['stored']);
  return { cluster, channels, ...(stored ? { stored } : {}) };
}

export function deliveryStateBody(state: DeliveryState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/**
 * True when a message of another run, scheduled before the run that stored the latest report, arrives late (SQS
 * retries can outlive the next hourly run): that later run already told its news, and this one would step history back.
 */
export function isStale(state: DeliveryState | undefined, runId: string, scheduledAt: string | undefined): boolean {
  const stored = state?.stored;
  if (!stored || stored.runId === runId || !stored.scheduledAt || !scheduledAt) return false;
  return Date.parse(scheduledAt) < Date.parse(stored.scheduledAt);
}
