import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Report } from '../report/report.ts';
import type { ReportKeys } from './layout.ts';
import { reportKeys } from './layout.ts';

/** Writes reports into a local folder with the same layout as the S3 store. */
export async function writeLocalReport(folder: string, report: Report): Promise<ReportKeys> {
  const keys = reportKeys(report.cluster, report.generatedAt, report.runId);
  const body = `${JSON.stringify(report, null, 2)}\n`;
  await writeAtomically(join(folder, keys.report), body);
  await writeAtomically(join(folder, keys.latest), body);
  return { report: join(folder, keys.report), latest: join(folder, keys.latest) };
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
  const path = join(folder, reportKeys(cluster, new Date(0).toISOString(), 'none').latest);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Report;
    return parsed.cluster === cluster && Array.isArray(parsed.drift) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
