// Adds up Vitest JSON reports from every suite and prints the one line CI reads: "N passed, N failed".
// A missing or unreadable report counts as a failure: a suite that did not report did not pass.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    let suiteFailures = report.numFailedTests;
    if (report.numFailedTestSuites > 0 && suiteFailures === 0) suiteFailures = report.numFailedTestSuites;
    // Vitest marks a run unsuccessful on an unhandled error even when every test passed;
    // such an error is a defect too, so it counts as one failure.
    if (report.success === false && suiteFailures === 0) suiteFailures = 1;
    failed += suiteFailures;
    console.log(`${file}: ${report.numPassedTests} passed, ${suiteFailures} failed`);
  } catch (error) {
    console.log(`${file}: no report (${error instanceof Error ? error.message : error})`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
