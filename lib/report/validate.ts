import { schemaProblem } from '../io/schema-problem.ts';
import { isPlainObject } from '../kube/object.ts';
import type { Report, Summary } from './report.ts';
import { countDrift, countFindings, REPORT_SCHEMA_VERSION } from './report.ts';
import validateReport from './report.validate.js';

/*
 * A stored report is read back to be the "previous" report of the history step (and for the time of the last run, and
 * whole when a run is handled again). It must be a report of this cluster and of this major schema version, valid
 * against report.schema.json (the one description of the document; the TypeScript types are kept in step with it by
 * test/unit/report/schema-types.test.ts), and true to itself in what a schema cannot say (times that are times, a
 * summary that counts the entries it sums up). Sections older versions did not write (findings, scan, source) get
 * neutral defaults first. Anything else is refused with one reason: where in the document and what is wrong.
 *
 * The schema is compiled ahead of time (report.validate.js, from bin/generate-validators.ts): compiling it cost a
 * cold process about half a second (bench/schemas.ts), the generated module nothing.
 */

type Json = Record<string, unknown>;

const MAJOR = REPORT_SCHEMA_VERSION.split('.')[0] ?? '';

/** The stored report of `cluster` if `value` (parsed JSON) is one (see checkStoredReport); undefined otherwise. */
export function asStoredReport(value: unknown, cluster: string): Report | undefined {
  const checked = checkStoredReport(value, cluster);
  return 'report' in checked ? checked.report : undefined;
}

/**
 * The stored report, or why it is not one, in words for the report (`history.previous.reason`) and the logs: names
 * and paths into the document, never its values.
 */
export function checkStoredReport(value: unknown, cluster: string): { report: Report } | { problem: string } {
  if (!isPlainObject(value)) return { problem: 'not a JSON object' };
  // Who the document is comes first: another cluster's or another format's report is not a broken one of ours.
  const { schemaVersion } = value;
  if (schemaVersion !== undefined && (typeof schemaVersion !== 'string' || !schemaVersion.startsWith(`${MAJOR}.`))) {
    return { problem: `foreign schema: schemaVersion ${JSON.stringify(schemaVersion).slice(0, 40)} is not ${MAJOR}.x` };
  }
  if (value['cluster'] !== cluster)
    return {
      problem:
        typeof value['cluster'] === 'string'
          ? `a report of another cluster (${value['cluster'].slice(0, 80)})`
          : 'no cluster',
    };
  const document = withOlderSections(value);
  if (!validateReport(document)) return { problem: schemaProblem(validateReport.errors ?? []) };
  const problem = inconsistency(document);
  return problem ? { problem } : { report: document };
}

/**
 * The document as this version writes it: the sections older versions did not write get neutral values (nothing
 * listed, so nothing is resolved against it), with the summary counts that follow from them; a later 1.x is read
 * as 1.0 (what it adds is refused where the schema allows no unknown field). The stored object is not changed.
 */
function withOlderSections(value: Json): Json {
  const document: Json = { ...value, schemaVersion: REPORT_SCHEMA_VERSION };
  const summary: Json = isPlainObject(value['summary']) ? { ...value['summary'] } : {};
  if (value['findings'] === undefined) {
    document['findings'] = [];
    Object.assign(summary, countFindings([]));
  }
  if (value['scan'] === undefined)
    document['scan'] = { complete: false, lists: [], unverified: [], withoutManagedFields: 0 };
  if (value['source'] === undefined) {
    document['source'] = { location: 'unknown', path: '.', files: 0, failedFiles: [], warnings: [] };
    summary['failedFiles'] = 0;
  }
  if (isPlainObject(value['summary'])) document['summary'] = summary;
  return document;
}

/**
 * What the schema cannot say: times that are times (the history step computes with them), and a summary that counts
 * the entries it sums up, counted by the very functions that build it (report.ts).
 */
function inconsistency(report: Report): string | undefined {
  if (Number.isNaN(Date.parse(report.generatedAt))) return 'generatedAt: not a time';
  if (report.scan.observedAt !== undefined && Number.isNaN(Date.parse(report.scan.observedAt)))
    return 'scan.observedAt: not a time';
  const counted: Summary = {
    ...report.summary,
    ...countDrift(report.drift),
    failedFiles: report.source.failedFiles.length,
    ...countFindings(report.findings),
  };
  const stored = summedCounts(report.summary);
  for (const [field, count] of summedCounts(counted)) {
    if (stored.get(field) !== count)
      return `summary.${field}: ${String(stored.get(field))}, but the report holds ${count}`;
  }
  return undefined;
}

/** The counts of a summary that follow from the report's entries (`declared` and `compared` do not), by field path. */
function summedCounts(summary: Summary): Map<string, number> {
  const { declared: _declared, compared: _compared, findings, ...counts } = summary;
  return new Map([
    ...Object.entries(counts),
    ...Object.entries(findings).map(([severity, count]): [string, number] => [`findings.${severity}`, count]),
  ]);
}
