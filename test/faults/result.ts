import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one fault scenario came to: its outcome and the three losses the suite counts. */
export interface ScenarioResult {
  name: string;
  expected: string;
  outcome: string;
  /** News items that reached no healthy channel, and scheduled clusters with neither a report nor a DLQ message. */
  lost: number;
  /** News items that reached a channel more than once. */
  duplicates: number;
  /** Items marked resolved although they were still there. */
  falseResolved: number;
  /** Requests the scenario's fault was applied to (a fault that met none proves nothing). */
  faultsHit: number;
  survived: boolean;
  durationMs: number;
}

/** Where the suite leaves its results for the summary line (`npm run test:faults`). */
export const RESULT_FILE =
  process.env['DRIFTWATCH_FAULTS_RESULT'] ?? join(tmpdir(), `driftwatch-faults-${process.getuid?.() ?? 'user'}.json`);

/** The contract line: `faults: scenarios N, survived N, lost 0, duplicates 0, false-resolved 0`. */
export function summaryLine(results: readonly ScenarioResult[]): string {
  const sum = (pick: (result: ScenarioResult) => number): number =>
    results.reduce((total, result) => total + pick(result), 0);
  return `faults: scenarios ${results.length}, survived ${results.filter((result) => result.survived).length}, lost ${sum((result) => result.lost)}, duplicates ${sum((result) => result.duplicates)}, false-resolved ${sum((result) => result.falseResolved)}`;
}
