// Fresh process, import only: boots node, loads one module (argv[2]: a package name, or "-" for
// nothing), reports how long that took and exits. Tells the import share of a fresh start apart
// from the start itself, and which dependency it comes from.
import { createRequire } from 'node:module';
import { report } from './report.mjs';

const target = process.argv[2];
const from = process.argv[3];
const bootedMs = performance.now();
if (target !== '-') {
  if (from) createRequire(from)(target);
  else await import(target);
}
report({ event: 'running', importedMs: bootedMs, runningMs: performance.now() });
