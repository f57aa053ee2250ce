import type { RenderInfo } from '../render/index.ts';
import type { SourceProblem } from '../source/types.ts';
import type { Report } from './report.ts';
import { countDrift, countFindings, REPORT_SCHEMA_VERSION, renderFields } from './report.ts';

export interface FailedReportInput {
  runId: string;
  cluster: string;
  identity?: string;
  generatedAt: Date;
  /** Folder of the source for this cluster, as planned. */
  sourcePath: string;
  /** Where the declared state was to come from, already without credentials; `none` when there was no source. */
  sourceLocation: string;
  /** Why the cluster could not be audited, in words for people (never a stack). */
  error: string;
  /** What failed in the source (a render that failed names its folder), listed as the report's failed files. */
  failedFiles?: SourceProblem[];
  /** How the declared state was to be produced, when known. */
  render?: RenderInfo;
}

/**
 * The report of a cluster whose audit failed before it produced one (source unreadable, live state unreadable,
 * anything thrown): no drift and no findings, and an incomplete scan carrying the error. It tells the reader and the
 * exit code that this cluster was not audited, and keeps the next run's history from reading silence as "resolved".
 */
export function failedReport(input: FailedReportInput): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: input.runId,
    cluster: input.cluster,
    ...(input.identity ? { identity: input.identity } : {}),
    generatedAt: input.generatedAt.toISOString(),
    source: {
      location: input.sourceLocation,
      path: input.sourcePath,
      files: 0,
      failedFiles: input.failedFiles ?? [],
      warnings: [],
      ...(input.render ? renderFields(input.render) : {}),
    },
    live: { origin: 'none' },
    scan: { complete: false, error: input.error, lists: [], unverified: [], withoutManagedFields: 0 },
    summary: {
      declared: 0,
      compared: 0,
      ...countDrift([]),
      failedFiles: input.failedFiles?.length ?? 0,
      ...countFindings([]),
    },
    drift: [],
    findings: [],
  };
}
