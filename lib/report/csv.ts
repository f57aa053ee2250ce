import type { ExportItem, ExportPeriod } from './export.ts';
import { gapText, isoSeconds, valueText } from './export.ts';
import { TIME_UNKNOWN, actorVerb } from './format.ts';

/**
 * CSV as spreadsheets read it (RFC 4180): one header row, CRLF after every record, a field quoted when it holds a
 * comma, a double quote, CR or LF, with its double quotes doubled. Written by hand: it is a few lines, and the
 * formula guard below has to sit inside the writer anyway.
 */
export interface CsvOptions {
  /**
   * Start with a UTF-8 byte order mark. Excel reads a BOM-less CSV in the legacy code page (so `…` or `ü` come out
   * garbled); LibreOffice, Google Sheets, pandas (`utf-8-sig`) and csvkit all accept the BOM. On for files, off for
   * stdout, where the bytes usually go to another program.
   */
  bom?: boolean;
}

const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]/;
/**
 * A cell starting with one of these is run as a formula by spreadsheets (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3`), and
 * report values are user-controlled (label values, images, annotations): such cells get a leading `'`, which shows
 * the text as typed. Tab and CR are included as OWASP advises. The cost: a value like `-1` reads `'-1`.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function csvField(value: string): string {
  const guarded = guardFormula(value);
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  options: CsvOptions = {},
): string {
  const records = [header, ...rows].map((fields) => `${fields.map(csvField).join(',')}\r\n`);
  return `${options.bom ? BOM : ''}${records.join('')}`;
}

/** Columns of the export (and of `reports get --format csv`), snake_case so they also work as SQL/pandas names. */
const COLUMNS: ReadonlyArray<[string, (item: ExportItem) => string]> = [
  ['type', (item) => item.type],
  ['state', (item) => item.state],
  ['cluster', (item) => item.cluster],
  ['namespace', (item) => item.namespace ?? ''],
  ['kind', (item) => item.kind],
  ['name', (item) => item.name],
  ['api_version', (item) => item.apiVersion ?? ''],
  ['drift_status', (item) => item.driftStatus ?? ''],
  ['path', (item) => item.path ?? ''],
  ['reason', (item) => item.reason ?? ''],
  ['declared', (item) => valueText(item.declared)],
  ['live', (item) => valueText(item.live)],
  ['check', (item) => item.check ?? ''],
  ['severity', (item) => item.severity ?? ''],
  ['message', (item) => item.message ?? ''],
  ['remediation', (item) => item.remediation ?? ''],
  ['exemption', (item) => item.exemption ?? ''],
  ['changed_by', changedBy],
  [
    'changed_at',
    (item) =>
      item.changedAt
        ? isoSeconds(item.changedAt)
        : item.actor?.time
          ? isoSeconds(item.actor.time)
          : item.manager
            ? TIME_UNKNOWN
            : '',
  ],
  ['commit', (item) => item.commit ?? ''],
  ['first_seen', (item) => isoSeconds(item.firstSeen)],
  ['last_seen', (item) => isoSeconds(item.lastSeen)],
  ['resolved_at', (item) => (item.resolvedAt ? isoSeconds(item.resolvedAt) : 'still open')],
  // Hours as a plain number: a spreadsheet can sort, sum and average it, which it cannot do with "7d 4h".
  ['duration_hours', (item) => (item.durationMs / 3_600_000).toFixed(2)],
  ['sightings', (item) => String(item.sightings)],
  ['episodes', (item) => String(item.episodes.length)],
  ['key', (item) => item.key],
  // Last, so the columns before keep their places: where the trail has a gap for this item (see historyGaps).
  ['history_gap', (item) => (item.historyGaps ?? []).map(gapText).join('; ')],
];

export const EXPORT_CSV_HEADER: readonly string[] = COLUMNS.map(([name]) => name);

export function exportCsv(period: ExportPeriod, options: CsvOptions = {}): string {
  const rows = period.items.map((item) => COLUMNS.map(([, cell]) => cell(item)));
  return toCsv(EXPORT_CSV_HEADER, rows, options);
}

/** `kubectl-edit by alice@example.com`, `kubectl (scale)`, `deleted by bob@example.com`: the tool and, from the audit log, the person. */
function changedBy(item: ExportItem): string {
  const person = item.actor ? `by ${item.actor.username}` : '';
  if (!item.manager) return item.actor ? `${actorVerb(item.actor.verb)} ${person}` : '';
  const tool = `${item.manager}${item.subresource ? ` (${item.subresource})` : ''}`;
  return person ? `${tool} ${person}` : tool;
}
