import type { ChecksConfig } from '../config/types.ts';
import type { CheckInfo } from './definition.ts';
import type { CheckFinding } from './finding.ts';

/** On unless switched off (all checks, or this id); opt-in checks also need their own switch. */
export function isEnabled(check: CheckInfo, config: ChecksConfig): boolean {
  if (!config.enabled || config.disable.includes(check.id)) return false;
  return check.optIn === undefined || check.optIn(config);
}

/** The config's severity for the finding's check, when it sets one. */
export function withConfiguredSeverity(found: CheckFinding, config: ChecksConfig): CheckFinding {
  const severity = config.severity[found.check];
  return severity === undefined || severity === found.severity ? found : { ...found, severity };
}
