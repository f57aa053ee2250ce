import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Report } from '../report/report.ts';
import type { ReportKeys } from './layout.ts';
import { findingsLines, latestKey, reportBody, reportKeys } from './layout.ts';

/** Writes a report into a local folder with the same layout as the S3 store; returns the paths written. */
export async function writeLocalReport(folder: string, report: Report): Promise<ReportKeys> {
  const keys = reportKeys(report.cluster, report.generatedAt, report.runId);
  const body = reportBody(report);
  await writeAtomically(join(folder, keys.report), body);
  await writeAtomically(join(folder, keys.findings), findingsLines(report));
  await writeAtomically(join(folder, keys.latest), body);
  return { report: join(folder, keys.report), findings: join(folder, keys.findings), latest: join(folder, keys.latest) };
}

/** Write then rename, so a reader never sees half a report. */
async function writeAtomically(path: string, body: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, body, 'utf8');
  await rename(temporary, path);
}

/** The latest report of a cluster in a local folder, or undefined when there is none (or it is unreadable). */
export async function readLatestLocalReport(folder: string, cluster: string): Promise<Report | undefined> {
  let text: string;
  try {
    text = await readFile(join(folder, latestKey(cluster)), 'utf8');
  } catch {
    return undefined;
  }
  return parseReport(text, cluster);
}

/** A stored report, if the text is one for this cluster. */
export function parseReport(text: string, cluster: string): Report | undefined {
  try {
    const parsed = JSON.parse(text) as Report;
    return parsed.cluster === cluster && Array.isArray(parsed.drift) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
