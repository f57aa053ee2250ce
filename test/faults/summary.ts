/**
 * Prints the fault suite's closing line from the results its test left (run by `npm run test:faults` after vitest):
 * one line per scenario, then `faults: scenarios N, survived N, lost N, duplicates N, false-resolved N`. Exits 1 when
 * any scenario did not survive or no result was left (the suite did not run).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ScenarioResult } from './result.ts';
import { RESULT_FILE, summaryLine } from './result.ts';

const results: ScenarioResult[] = existsSync(RESULT_FILE)
  ? (JSON.parse(readFileSync(RESULT_FILE, 'utf8')) as ScenarioResult[])
  : [];
for (const result of results) {
  process.stdout.write(
    `  ${result.survived ? 'survived' : 'FAILED  '} ${result.name}: expected ${result.expected}, got ${result.outcome}; lost ${result.lost}, duplicates ${result.duplicates}, false-resolved ${result.falseResolved}; fault met ${result.faultsHit} requests (${(result.durationMs / 1000).toFixed(1)} s)\n`,
  );
}
process.stdout.write(`${summaryLine(results)}\n`);
process.exitCode = results.length > 0 && results.every((result) => result.survived) ? 0 : 1;
