/**
 * Issue "See and debug a run" (#25), tracing's cost: the `suite` case's vitest suite (4 files × 5
 * tests, 2 workers, a fresh postgres database per test) run with BERTH_TRACE set and without, in
 * pairs whose order flips each time (off on, on off, off on, ...): suite runs here get slower run
 * after run (3.2 s to 4.1 s over ten runs on a quiet machine), and with off always first every pair
 * charged that drift to tracing (+136 ms, 1.04×, in a full run that measured it so).
 *
 *   - wall time of the suite process: on ≤ 1.02 × off;
 *   - per lease: the acquire each test sees (freshDatabase), on minus off, paired by test ≤ 1 ms.
 *
 * Tracing always records in memory (a failed start shows its timeline); BERTH_TRACE adds the
 * workers' forwarding, the file and the end-of-run report line, which is what this measures.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { fmtMs, quantile } from '../lib/stats.mjs';
import { berthSuite } from './suite.mjs';

export async function tracingCost(ctx) {
  const wallCase = newCase({
    id: 'trace-wall',
    suite: 'See and debug a run (#25)',
    title: 'the suite case with BERTH_TRACE on vs off: wall time',
    what: '4 files × 5 tests, 2 workers, fresh postgres database per test; runs alternate off/on',
  });
  const leaseCase = newCase({
    id: 'trace-lease',
    suite: 'See and debug a run (#25)',
    title: 'the suite case with BERTH_TRACE on vs off: acquire per lease, as the test sees it',
    what: 'freshDatabase() per test; on and off paired by run and test',
  });
  const iterations = ctx.quick ? 2 : 5;
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-trace-'));
  try {
    for (let i = 0; i < iterations; i++) {
      for (const traced of i % 2 === 0 ? [false, true] : [true, false]) {
        ctx.progress(`trace: suite ${traced ? 'with' : 'without'} BERTH_TRACE ${i + 1}/${iterations}`);
        const file = join(dir, `run-${i}.json`);
        try {
          const run = await berthSuite(traced ? { BERTH_TRACE: file } : { BERTH_TRACE: '' });
          const key = traced ? 'on' : 'off';
          addSample(wallCase, key, `BERTH_TRACE ${key}`, i, run.wallMs);
          for (const [k, ms] of run.acquire.entries()) addSample(leaseCase, key, `BERTH_TRACE ${key}`, i * 100 + k, ms);
          leaseCase.notes.push(
            `${key} run ${i + 1}: wall ${fmtMs(run.wallMs)}, acquire median ${fmtMs(quantile(run.acquire, 0.5))}${traced ? `, trace ${statSync(file).size} bytes` : ''}`,
          );
        } catch (error) {
          // The run's last lines say why it failed (a flake under load, or tracing's fault).
          const lines = error.message.split('\n');
          wallCase.errors.push(`${traced ? 'on' : 'off'} run ${i + 1}: ${lines[0]} … ${lines.slice(-12).join(' ⏎ ')}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  leaseCase.notes.push(await spanCost(ctx));
  compare(wallCase, 'on', 'off', { kind: 'ratio', limit: 1.02 });
  compare(leaseCase, 'on', 'off', { kind: 'delta', limitMs: 1 });
  return [finalise(wallCase), finalise(leaseCase)];
}

/**
 * What recording costs whether or not BERTH_TRACE is set: begin + end of one span, timed in this
 * process on a recorder of its own (the one core keeps under its Symbol.for key gives the class).
 * A lease records about five spans (its wait and hold, and the pool's miss, fill and reset).
 */
async function spanCost(ctx) {
  await ctx.berth.getEngine();
  const shared = globalThis[Symbol.for('dev.berth.trace.recorder')];
  if (!shared) return 'span cost: no recorder found (core did not create one)';
  const perSpanUs = [];
  for (let round = 0; round < 7; round++) {
    const trace = new shared.constructor();
    const count = 50_000;
    const began = performance.now();
    for (let i = 0; i < count; i++) trace.begin('fill', 'pool', { slot: 'berth_fresh_1' }, 'service:db').end({ outcome: 'reuse' });
    perSpanUs.push(((performance.now() - began) * 1000) / count);
  }
  const median = quantile(perSpanUs, 0.5);
  return `recording one span (begin + end, in memory, always on): median ${median.toFixed(2)} µs over 7 rounds of 50,000; a lease records about 5 spans, so about ${(5 * median).toFixed(1)} µs of the lease`;
}
