import type { ChecksConfig } from './options.ts';
import type { CheckId } from './catalog.ts';
import { OPT_IN_CHECKS } from './catalog.ts';
import type { CheckFinding } from './finding.ts';

/** On unless switched off (all checks, or this id); opt-in checks also need their own switch. */
export function isEnabled(check: CheckId | string, config: ChecksConfig): boolean {
  if (!config.enabled || config.disable.includes(check)) return false;
  return !OPT_IN_CHECKS.some((optIn) => optIn === check) || config.imagesWithoutDigest;
}

/** The config's severity for the finding's check, when it sets one. */
export function withConfiguredSeverity(found: CheckFinding, config: ChecksConfig): CheckFinding {
  const severity = config.severity[found.check];
  return severity === undefined || severity === found.severity ? found : { ...found, severity };
}
