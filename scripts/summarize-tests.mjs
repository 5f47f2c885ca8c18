#!/usr/bin/env node
// Reads vitest's JSON report and prints the plain closing line CI reads: "N passed, N failed, N skipped".
// Exits non-zero when the report is missing (vitest crashed) so a broken run never looks green.
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? '.berth-tmp/vitest-report.json';
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.error(`no test report at ${path}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A file that failed to load (import error, failing beforeAll) has no failed test of its own: count it once.
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
);
for (const file of brokenFiles) console.error(`failed without a failing test: ${file.name}: ${file.message ?? ''}`);
const failed = (report.numFailedTests ?? 0) + brokenFiles.length;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
