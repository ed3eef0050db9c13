// Reads the test runners' JSON reports and prints the one line CI reads:
// `N passed, N failed`. Exits non-zero when any test failed or no test ran.
// The optional second argument is the runner's exit status: a run that
// failed with no failed test (vitest's unhandled errors, which fail the run
// but no test) counts as one failure, so the line never says 0 failed then.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  success: boolean;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: summarize-tests.ts REPORT_DIR [RUNNER_STATUS]');
const runnerStatus = Number(process.argv[3] ?? 0);

let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as VitestJsonReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite that failed to load has no failed test but is not a success.
  if (!report.success && report.numFailedTests === 0) failed += 1;
  reports++;
}
if (reports === 0) failed += 1;
if (runnerStatus !== 0 && failed === 0) {
  console.log(
    `the test runner exited ${runnerStatus} with no failed test (an unhandled error, see above): counted as 1 failed`,
  );
  failed = 1;
}
console.log(
  skipped > 0
    ? `${passed} passed, ${failed} failed, ${skipped} skipped`
    : `${passed} passed, ${failed} failed`,
);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
