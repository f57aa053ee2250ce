import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MAX_REPORT_DEPTH, exceedsJsonDepth, tooDeepReason } from '../io/json-depth.ts';
import type { Report } from '../report/report.ts';
import { asStoredReport, checkStoredReport } from '../report/validate.ts';
import type { ReportKeys } from './layout.ts';
import { findingsLines, latestKey, reportBody, reportKeys } from './layout.ts';

/**
 * Suffix of the checksum file written next to every stored file: the local twin of the S3 `sha256` metadata, in
 * `sha256sum` format (`<hex>  <name>`) so `sha256sum -c report.json.sha256` also checks it.
 */
export const SHA256_SIDECAR_SUFFIX = '.sha256';

/** Writes a report into a local folder with the same layout as the S3 store; returns the paths written. */
export async function writeLocalReport(folder: string, report: Report): Promise<ReportKeys> {
  const keys = await writeLocalDated(folder, report);
  await writeLocalLatest(folder, report);
  return keys;
}

/** The paths of a report in a local folder. */
export function localKeys(folder: string, report: Report): ReportKeys {
  const keys = reportKeys(report.cluster, report.generatedAt, report.runId);
  return {
    report: join(folder, keys.report),
    findings: join(folder, keys.findings),
    latest: join(folder, keys.latest),
  };
}

/** The dated report and its newline-delimited copy; the latest copy is a separate step (see writeLocalLatest). */
export async function writeLocalDated(folder: string, report: Report): Promise<ReportKeys> {
  const keys = localKeys(folder, report);
  await writeWithChecksum(keys.report, reportBody(report));
  await writeWithChecksum(keys.findings, findingsLines(report));
  return keys;
}

/** Makes the report the one the next run compares with: written last, like putLatestS3. */
export async function writeLocalLatest(folder: string, report: Report): Promise<void> {
  await writeWithChecksum(localKeys(folder, report).latest, reportBody(report));
}

/** The body, then its checksum: `driftwatch reports get` verifies the pair. */
async function writeWithChecksum(path: string, body: string): Promise<void> {
  await writeAtomically(path, body);
  const digest = createHash('sha256').update(body, 'utf8').digest('hex');
  await writeAtomically(`${path}${SHA256_SIDECAR_SUFFIX}`, `${digest}  ${basename(path)}\n`);
}

/** Write then rename, so a reader never sees half a report. */
async function writeAtomically(path: string, body: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, body, 'utf8');
  await rename(temporary, path);
}

/** The latest report of a cluster in a local folder, or undefined when there is none (or it is unreadable). */
export async function readLatestLocalReport(
  folder: string,
  cluster: string,
  onInvalid?: (where: string, reason: string) => void,
): Promise<Report | undefined> {
  return readLocalReport(join(folder, latestKey(cluster)), cluster, onInvalid);
}

/** The report in this file, or undefined when there is none (or it is unreadable). */
export async function readLocalReport(
  path: string,
  cluster: string,
  onInvalid?: (where: string, reason: string) => void,
  parse: (text: string, cluster: string) => Report | undefined = parseReport,
): Promise<Report | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const report = parse(text, cluster);
  if (!report) onInvalid?.(path, reportProblem(text, cluster) ?? 'not a complete report');
  return report;
}

/**
 * A dated report this store wrote itself, whole (remediation, render info, counts and all), when it passes the check
 * of a stored report: a run handled again finishes with exactly the report it stored, not the history-only reading.
 */
export function parseWholeReport(text: string, cluster: string): Report | undefined {
  const parsed = parseJson(text);
  // Checked by asStoredReport, written by reportBody from a Report: the whole object is that Report.
  return 'value' in parsed && asStoredReport(parsed.value, cluster) ? (parsed.value as Report) : undefined;
}

/** A stored report, if the text is one for this cluster with what the history step needs (see asStoredReport). */
export function parseReport(text: string, cluster: string): Report | undefined {
  const parsed = parseJson(text);
  return 'value' in parsed ? asStoredReport(parsed.value, cluster) : undefined;
}

/** Why the text is not a stored report of this cluster; undefined when it is one. */
export function reportProblem(text: string, cluster: string): string | undefined {
  const parsed = parseJson(text);
  if ('problem' in parsed) return parsed.problem;
  const checked = checkStoredReport(parsed.value, cluster);
  return 'problem' in checked ? checked.problem : undefined;
}

/** The parsed JSON, or why the text is none (not JSON, or nested deeper than any report). */
function parseJson(text: string): { value: unknown } | { problem: string } {
  if (exceedsJsonDepth(text, MAX_REPORT_DEPTH)) return { problem: tooDeepReason(MAX_REPORT_DEPTH) };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { problem: text.trim() === '' ? 'empty' : 'not JSON' };
  }
}
