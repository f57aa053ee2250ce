import { describe, expect, test } from 'vitest';
import { EXPORT_CSV_HEADER, csvField, exportCsv, guardFormula, toCsv } from '../../../lib/report/csv.ts';
import { buildExport } from '../../../lib/report/export.ts';
import { makeReport, withHistory } from './fixtures.ts';

/** A strict RFC 4180 reader, to check that what we write reads back field for field. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  while (index < text.length) {
    const character = text[index] ?? '';
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 2;
        continue;
      }
      if (character === '"') quoted = false;
      else field += character;
      index++;
      continue;
    }
    if (character === '"' && field === '') quoted = true;
    else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index++;
    } else if (character === '\n' || character === '\r' || character === '"')
      throw new Error(`bare ${JSON.stringify(character)} at ${index}`);
    else field += character;
    index++;
  }
  if (field !== '' || record.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
}

describe('RFC 4180 fields', () => {
  test.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line1\nline2', '"line1\nline2"'],
    ['line1\r\nline2', '"line1\r\nline2"'],
    ['ünïcødé … ✓', 'ünïcødé … ✓'],
    ['  spaces kept  ', '  spaces kept  '],
  ])('%j is written as %j', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  test('records end with CRLF, the header comes first, and everything reads back', () => {
    const rows = [
      ['a,b', 'x"y', 'multi\nline'],
      ['', 'plain', '✓'],
    ];
    const text = toCsv(['one', 'two', 'three'], rows);
    expect(text.startsWith('one,two,three\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(4);
    expect(parseCsv(text)).toEqual([['one', 'two', 'three'], ...rows]);
  });

  test('a BOM only when asked for', () => {
    expect(toCsv(['a'], [], { bom: true })).toBe('\uFEFFa\r\n');
    expect(toCsv(['a'], [])).toBe('a\r\n');
  });
});

describe('formula injection', () => {
  test.each(['=HYPERLINK("http://evil.example","x")', '+1+2', '-2+3', '@SUM(A1:A2)', '\tTAB', '\rCR'])(
    '%j is shown as text',
    (value) => {
      expect(guardFormula(value)).toBe(`'${value}`);
      const read = parseCsv(toCsv(['v'], [[value]]))[1]?.[0];
      expect(read).toBe(`'${value}`);
    },
  );

  test('harmless cells are left alone, formula characters later in the cell too', () => {
    for (const value of ['web:1.0', 'a=b', 'x+y', 'user@example.com', '2026-11-20T10:00:00Z', "'quoted"])
      expect(guardFormula(value)).toBe(value);
  });

  test('guarded and quoted together: a formula with a comma', () => {
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
  });
});

describe('export CSV', () => {
  test('one header row, one row per item; values with commas, quotes and formulas survive', () => {
    const reports = withHistory([
      makeReport({
        cluster: 'prod',
        at: '2026-11-01T00:00:00.000Z',
        commit: 'abc123',
        drift: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            namespace: 'shop',
            name: 'settings',
            status: 'modified',
            changes: [
              {
                path: '/data/greeting',
                reason: 'differs',
                declared: 'hello, "world"',
                live: '=cmd|/c calc!A1',
                manager: 'kubectl-edit',
                time: '2026-10-31T23:00:00Z',
              },
            ],
          },
        ],
      }),
    ]);
    const csv = exportCsv(buildExport('prod', reports), { bom: true });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, row, ...rest] = parseCsv(csv.slice(1));
    expect(header).toEqual(EXPORT_CSV_HEADER);
    expect(rest).toEqual([]);
    const cell = (name: string): string | undefined => row?.[EXPORT_CSV_HEADER.indexOf(name)];
    expect(cell('declared')).toBe('hello, "world"');
    expect(cell('live')).toBe("'=cmd|/c calc!A1");
    expect(cell('changed_by')).toBe('kubectl-edit');
    expect(cell('changed_at')).toBe('2026-10-31T23:00:00Z');
    expect(cell('first_seen')).toBe('2026-11-01T00:00:00Z');
    expect(cell('resolved_at')).toBe('still open');
    expect(cell('commit')).toBe('abc123');
  });
});
