import { describe, expect, test } from 'vitest';
import { parseReportLinkSeconds } from '../../../lib/pipeline/env.ts';

describe('REPORT_LINK_SECONDS', () => {
  test('unset or empty: one day', () => {
    expect(parseReportLinkSeconds(undefined)).toBe(86_400);
    expect(parseReportLinkSeconds('')).toBe(86_400);
    expect(parseReportLinkSeconds('  ')).toBe(86_400);
  });

  test('a whole number of seconds from 60 to 7 days', () => {
    expect(parseReportLinkSeconds('60')).toBe(60);
    expect(parseReportLinkSeconds(' 3600 ')).toBe(3600);
    expect(parseReportLinkSeconds('604800')).toBe(604_800);
  });

  test('anything else is an error naming the variable and the value, never NaN', () => {
    for (const value of ['abc', '1h', '59', '604801', '3600.5', '-60', '1e4', '0x100', 'NaN', 'Infinity']) {
      expect(() => parseReportLinkSeconds(value), value).toThrow(
        /REPORT_LINK_SECONDS must be a whole number of seconds from 60 to 604800/,
      );
    }
    expect(() => parseReportLinkSeconds('abc')).toThrow('got "abc"');
  });
});
