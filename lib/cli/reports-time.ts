import { InvalidArgumentError } from 'commander';

/**
 * Times on the `reports` command lines, always UTC (report keys and partitions are UTC):
 * `2026-11-20` (a whole day), `2026-11-20T10:00`, `2026-11-20T10:00:00Z`, `2026-11-20T12:00:00+02:00`, or the
 * compact form of the report keys, `20261120T100000Z`.
 */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

function parseInstant(value: string, dayEdge: 'start' | 'end'): Date {
  const text = value.trim();
  let iso: string;
  if (DATE_ONLY.test(text)) iso = dayEdge === 'start' ? `${text}T00:00:00.000Z` : `${text}T23:59:59.999Z`;
  else if (COMPACT.test(text)) iso = text.replace(COMPACT, '$1-$2-$3T$4:$5:$6Z');
  else iso = HAS_ZONE.test(text) ? text : `${text}Z`;
  const time = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(time)) {
    throw new InvalidArgumentError('expected a date (2026-11-20) or a UTC time (2026-11-20T10:00:00Z)');
  }
  return new Date(time);
}

/** `--since`: a date means from the start of that day. */
export function parseSince(value: string): Date {
  return parseInstant(value, 'start');
}

/** `--until`: a date means through the end of that day. */
export function parseUntil(value: string): Date {
  return parseInstant(value, 'end');
}

/** `--at`: `latest` (undefined), or a time; a date means the last report of that day (or before it). */
export function parseAt(value: string): Date | undefined {
  if (value.trim().toLowerCase() === 'latest') return undefined;
  return parseInstant(value, 'end');
}

/** The most S3 allows for a presigned URL signed with SigV4. */
export const MAX_EXPIRY_SECONDS = 7 * 24 * 3600;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `--expires`: `30m`, `1h`, `2d`, … up to `7d`. */
export function parseExpiry(value: string): number {
  const match = /^(\d+)\s*([smhd])$/i.exec(value.trim());
  const amount = Number(match?.[1]);
  const unit = UNIT_SECONDS[match?.[2]?.toLowerCase() ?? ''];
  if (!match || !unit || !Number.isInteger(amount) || amount <= 0)
    throw new InvalidArgumentError('expected a duration such as 30m, 1h, 24h or 7d');
  const seconds = amount * unit;
  if (seconds > MAX_EXPIRY_SECONDS) throw new InvalidArgumentError('at most 7d: S3 presigned URLs cannot live longer');
  return seconds;
}
