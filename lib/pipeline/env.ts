/** Lifetime of the report links in notifications: S3 presigned URLs live at most 7 days. */
export const REPORT_LINK_SECONDS = { default: 24 * 3600, min: 60, max: 7 * 24 * 3600 } as const;

/**
 * `REPORT_LINK_SECONDS` of the audit function: a whole number of seconds from 60 to 604800, 86400 when unset or
 * empty. Anything else is a deployment error, said with the variable's name.
 */
export function parseReportLinkSeconds(value: string | undefined, name = 'REPORT_LINK_SECONDS'): number {
  const text = value?.trim() ?? '';
  if (text === '') return REPORT_LINK_SECONDS.default;
  const seconds = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < REPORT_LINK_SECONDS.min || seconds > REPORT_LINK_SECONDS.max) {
    throw new Error(
      `environment variable ${name} must be a whole number of seconds from ${REPORT_LINK_SECONDS.min} to ${REPORT_LINK_SECONDS.max} (7 days), got ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}
