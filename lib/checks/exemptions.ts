import type { CheckInfo } from './definition.ts';
import type { ChecksConfig, ExemptionConfig } from './options.ts';
import type { CheckFinding } from './finding.ts';
import { finding, sortFindings } from './finding.ts';
import { matchesPattern } from '../io/glob.ts';
import { isEnabled, withConfiguredSeverity } from './selection.ts';

/** Found by applyExemptions from the config, not by a run over live objects: it reads no kind. */
export const exemptionExpired: CheckInfo<'exemption-expired'> = {
  id: 'exemption-expired',
  severity: 'low',
  title: 'Exemption past its expiry date',
  firesOn: 'a config exemption past its `expires` day',
};

const DAY = 86_400_000;

/** An exemption covers its whole expiry day (UTC); a date that cannot be read counts as expired. */
export function isExpired(exemption: ExemptionConfig, now: Date): boolean {
  const end = Date.parse(`${exemption.expires}T00:00:00Z`) + DAY;
  return !(now.getTime() < end);
}

export function exemptionMatches(exemption: ExemptionConfig, found: CheckFinding): boolean {
  const matches = (pattern: string | undefined, value: string): boolean =>
    pattern === undefined || matchesPattern(value, pattern);
  return (
    matchesPattern(found.check, exemption.check) &&
    matches(exemption.kind, found.kind) &&
    matches(exemption.namespace, found.namespace ?? '') &&
    matches(exemption.name, found.name)
  );
}

/**
 * Marks findings covered by an exemption in force (`exempted: true` plus its reason, owner and expiry) and
 * reports each expired exemption as an `exemption-expired` finding; an expired exemption covers nothing.
 * Findings exempted earlier (self-exemption) keep their mark. `config` tunes or disables exemption-expired.
 */
export function applyExemptions(
  findings: readonly CheckFinding[],
  exemptions: readonly ExemptionConfig[],
  now: Date,
  config?: ChecksConfig,
): CheckFinding[] {
  const inForce = exemptions.filter((exemption) => !isExpired(exemption, now));
  const marked = findings.map((found) => (found.exempted ? found : exempt(found, inForce)));
  const reportExpired = config === undefined || isEnabled(exemptionExpired, config);
  const expired = reportExpired ? exemptions.filter((exemption) => isExpired(exemption, now)).map(expiredFinding) : [];
  const tuned = config === undefined ? expired : expired.map((found) => withConfiguredSeverity(found, config));
  return sortFindings([...marked, ...tuned]);
}

function exempt(found: CheckFinding, inForce: readonly ExemptionConfig[]): CheckFinding {
  const exemption = inForce.find((candidate) => exemptionMatches(candidate, found));
  if (exemption === undefined) return found;
  return {
    ...found,
    exempted: true,
    exemption: { source: 'config', reason: exemption.reason, owner: exemption.owner, expires: exemption.expires },
  };
}

/** `pod-privileged DaemonSet monitoring/node-exporter`; `*` for what the exemption leaves open. */
export function describeExemption(exemption: ExemptionConfig): string {
  const namespace = exemption.namespace === undefined ? '' : `${exemption.namespace}/`;
  return `${exemption.check} ${exemption.kind ?? '*'} ${namespace}${exemption.name ?? '*'}`;
}

function expiredFinding(exemption: ExemptionConfig): CheckFinding {
  const described = describeExemption(exemption);
  return finding(
    exemptionExpired,
    { kind: 'Exemption', name: described },
    {
      message: `Exemption for ${described} (owner ${exemption.owner}) expired on ${exemption.expires}; the findings it covered are reported again`,
      remediation: `Fix the findings and delete the exemption from driftwatch.yaml, or ask ${exemption.owner} to renew it with a new expires date`,
      evidence: {
        check: exemption.check,
        ...(exemption.kind !== undefined && { kind: exemption.kind }),
        ...(exemption.namespace !== undefined && { namespace: exemption.namespace }),
        ...(exemption.name !== undefined && { name: exemption.name }),
        owner: exemption.owner,
        expires: exemption.expires,
        reason: exemption.reason,
      },
    },
  );
}
