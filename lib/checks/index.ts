import { CHECK_DEFINITIONS } from './catalog.ts';
import type { ChecksInput } from './context.ts';
import { checkContext } from './context.ts';
import type { CheckFinding } from './finding.ts';
import { sortFindings } from './finding.ts';
import { applySelfExemptions } from './self-exemption.ts';
import { isEnabled, withConfiguredSeverity } from './selection.ts';

export { CATALOG, CHECK_DEFINITIONS, CHECK_IDS, CHECK_KINDS, isCheckId } from './catalog.ts';
export type { CheckId } from './catalog.ts';
export type { ChecksInput, DeclaredPodTemplate } from './context.ts';
export { declaredPodTemplates } from './declared.ts';
export { DEFAULT_ALLOWED_SUBJECTS, DEFAULT_CHECKS_CONFIG, EXEMPT_ANNOTATION } from './defaults.ts';
export type { CheckDefinition, CheckInfo } from './definition.ts';
export { applyExemptions, isExpired } from './exemptions.ts';
export type { CheckFinding, Evidence, Finding, FindingExemption, Subject } from './finding.ts';
export type { ChecksConfig, ExemptionConfig } from './options.ts';
export { sortFindings } from './finding.ts';
export { SEVERITIES, atOrAbove, bySeverity, higher, isAtLeast, isSeverity, severityCounts } from './severity.ts';
export type { Severity } from './severity.ts';

/**
 * Runs every enabled check on the live objects (and declared pod templates): pure, the same input gives the
 * same sorted findings. Config exemptions are applied separately with applyExemptions; the self-exemption
 * annotation is honoured here, when the config allows it.
 */
export function runChecks(input: ChecksInput): CheckFinding[] {
  const { config } = input;
  if (!config.enabled) return [];
  const context = checkContext(input);
  const findings = CHECK_DEFINITIONS.filter((check) => isEnabled(check, config))
    .flatMap((check) => check.run(context))
    .map((found) => withConfiguredSeverity(found, config));
  return sortFindings(applySelfExemptions(findings, context));
}
