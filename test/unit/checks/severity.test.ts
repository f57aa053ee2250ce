import { describe, expect, it } from 'vitest';
import configSchema from '../../../lib/config/driftwatch.schema.json' with { type: 'json' };
import reportSchema from '../../../lib/report/report.schema.json' with { type: 'json' };
import { FAIL_ON_VALUES } from '../../../lib/cli/exit.ts';
import {
  SEVERITIES,
  atOrAbove,
  bySeverity,
  higher,
  isAtLeast,
  isSeverity,
  severityCounts,
} from '../../../lib/checks/index.ts';

interface SeverityList {
  at: string;
  values: unknown[];
}

/** Every `enum` (or `required` list) in a schema that names a severity, with where it is. */
function severityEnums(node: unknown, at: string, found: SeverityList[]): SeverityList[] {
  if (typeof node !== 'object' || node === null) return found;
  for (const [key, value] of Object.entries(node)) {
    const isList = (key === 'enum' || key === 'required') && Array.isArray(value) && value.includes('critical');
    if (isList) found.push({ at: `${at}/${key}`, values: value });
    else severityEnums(value, `${at}/${key}`, found);
  }
  return found;
}

describe('the severity module', () => {
  it('orders most urgent first, and "at or above" follows that order', () => {
    expect(SEVERITIES).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect(isAtLeast('critical', 'high')).toBe(true);
    expect(isAtLeast('high', 'high')).toBe(true);
    expect(isAtLeast('low', 'medium')).toBe(false);
    expect(atOrAbove('medium')).toEqual(['critical', 'high', 'medium']);
    expect(atOrAbove('info')).toEqual(SEVERITIES);
    expect(['info', 'critical', 'medium', 'high', 'low'].filter(isSeverity).sort(bySeverity)).toEqual([...SEVERITIES]);
    expect(higher('low', 'high')).toBe('high');
    expect(higher(undefined, 'info')).toBe('info');
    expect(higher('medium', undefined)).toBe('medium');
  });

  it('knows its own names only', () => {
    expect(isSeverity('high')).toBe(true);
    expect(isSeverity('warning')).toBe(false);
    expect(Object.keys(severityCounts())).toEqual([...SEVERITIES]);
  });

  it('is the list both schemas enumerate and --fail-on accepts', () => {
    const enums = [
      ...severityEnums(configSchema, 'driftwatch.schema.json', []),
      ...severityEnums(reportSchema, 'report.schema.json', []),
    ];
    // The config: two minSeverity enums and one per check in checks.severity; the report: summary.findings and finding.severity.
    expect(enums.length).toBeGreaterThan(4);
    for (const { at, values } of enums) expect({ at, values }).toEqual({ at, values: [...SEVERITIES] });
    expect(Object.keys(reportSchema.properties.summary.properties.findings.properties)).toEqual([...SEVERITIES]);
    expect(FAIL_ON_VALUES.filter(isSeverity)).toEqual([...SEVERITIES]);
  });
});
