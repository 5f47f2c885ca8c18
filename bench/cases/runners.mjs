/**
 * Issue "Every runner and runtime" (#23):
 *
 * - run-overhead: `berth run -- true` with one postgres service (20-table template), as a fresh
 *   process, against a plain script that starts and stops the same postgres with startPostgres()
 *   (also a fresh process). Target: berth run ≤ the script + 100 ms.
 * - runtime-fresh: a fresh process to a running busybox, on Node, Bun and Deno (report only).
 * - runner-suite: the 4 × 5 fresh-database suite of the `suite` case under node:test (through
 *   berth run, 2 workers) and bun test (its preload, one process) beside vitest's (report only).
 *
 * Runtimes and fixtures: bench/runners (bun and deno come from npm).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { rotation } from '../lib/stats.mjs';

const DIR = fileURLToPath(new URL('../runners/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BERTH = join(ROOT, 'packages/core/dist/cli.js');
const BUN = join(DIR, 'node_modules/.bin/bun');
// The binary itself: node_modules/.bin/deno is a Node wrapper around it.
const DENO = join(DIR, 'node_modules/deno/deno');
const VITEST_SUITE = fileURLToPath(new URL('../../test/e2e/fixtures/vitest-suites/', import.meta.url));

/** How long one process may take to exit before it is killed and counted as an error. */
const PROCESS_LIMIT_MS = 180_000;

/**
 * Runs a command to its end; resolves with the wall time (with `until`: the time that text showed in
 * its output, once the process has exited). A process that has not exited after PROCESS_LIMIT_MS is
 * killed and rejected (`limitMs`), saying how long after `until` it was still running.
 */
function timedProcess(command, args, { cwd = DIR, env = {}, until, limitMs = PROCESS_LIMIT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const childEnv = { ...process.env, CI: 'true', ...env };
    for (const key of Object.keys(childEnv)) if (key.startsWith('BERTH_SESSION_') || key === 'NODE_PATH') delete childEnv[key];
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let at;
    const seen = (chunk) => {
      out += chunk;
      if (until && at === undefined && out.includes(until)) at = performance.now() - began;
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(limit);
      const exitedAt = performance.now() - began;
      if (signal === 'SIGKILL') {
        const after = at === undefined ? '' : ` (${until} showed at ${Math.round(at)} ms)`;
        reject(new Error(`${command} ${args.join(' ')} had not exited after ${Math.round(exitedAt)} ms${after}:\n${out.slice(-2000)}`));
      } else if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${out.slice(-2000)}`));
      else resolve(until ? at : performance.now() - began);
    });
  });
}

export async function runnerCases(ctx) {
  const overhead = newCase({
    id: 'run-overhead',
    suite: 'Runners (#23)',
    title: '`berth run -- true` with one postgres, against startPostgres() + stop in a script',
    what: 'fresh process each: spawn → services up (20-table template) → command → everything removed → exit',
  });
  const runtimes = newCase({
    id: 'runtime-fresh',
    suite: 'Runners (#23)',
    title: 'fresh process → running busybox, per runtime',
    what: 'spawn of the runtime until `start()` resolved; Node, Bun and Deno on the same script',
  });
  const suite = newCase({
    id: 'runner-suite',
    suite: 'Runners (#23)',
    title: 'the 4 × 5 fresh-database suite under each runner, wall time',
    what: 'container start included; vitest: plugin, 2 workers; node:test: berth run, 2 files at a time; bun test: preload, one process',
  });
  const n = ctx.quick ? 1 : 5;
  const subjects = {
    run: () => timedProcess(process.execPath, [BERTH, 'run', '--', 'true']),
    script: () => timedProcess(process.execPath, ['plain-postgres.mjs']),
  };
  for (let i = 0; i < n; i++) {
    for (const key of rotation(Object.keys(subjects), i)) {
      try {
        ctx.progress(`runners: ${key} ${i + 1}/${n}`);
        const ms = await subjects[key]();
        addSample(overhead, key, key === 'run' ? 'berth run -- true' : 'startPostgres() + stop, plain script', i, ms);
      } catch (error) {
        overhead.errors.push(`${key}: ${error.message.split('\n')[0]}`);
      }
    }
  }
  compare(overhead, 'run', 'script', { kind: 'delta', limitMs: 100 });

  const engines = {
    node: [process.execPath, ['runtime-start.mjs']],
    bun: [BUN, ['run', 'runtime-start.mjs']],
    deno: [DENO, ['run', '--allow-all', 'runtime-start.mjs']],
  };
  for (let i = 0; i < n; i++) {
    for (const key of rotation(Object.keys(engines), i)) {
      const [command, args] = engines[key];
      try {
        ctx.progress(`runners: ${key} fresh start ${i + 1}/${n}`);
        addSample(runtimes, key, key, i, await timedProcess(command, args, { until: 'running', limitMs: 60_000 }));
      } catch (error) {
        runtimes.errors.push(`${key}: ${error.message.split('\n')[0]}`);
      }
    }
  }
  compare(runtimes, 'bun', 'node');
  compare(runtimes, 'deno', 'node');

  const suites = {
    vitest: () =>
      timedProcess(process.execPath, [join(VITEST_SUITE, 'node_modules/vitest/vitest.mjs'), 'run'], {
        cwd: join(VITEST_SUITE, 'bench-fresh'),
      }),
    'node-test': () =>
      timedProcess(process.execPath, [BERTH, 'run', '--workers', '2', '--', process.execPath, '--test', '--test-concurrency=2'], {
        cwd: join(DIR, 'node-test'),
      }),
    bun: () => timedProcess(BUN, ['test'], { cwd: join(DIR, 'bun') }),
  };
  const labels = { vitest: 'vitest (plugin, 2 workers)', 'node-test': 'node:test (berth run, 2 at a time)', bun: 'bun test (preload)' };
  // Three whole suites take about a minute: the full run only.
  const runs = ctx.quick ? 0 : 3;
  if (runs === 0) suite.notes.push('not measured in quick mode (three whole suites); run `pnpm bench --only runners`');
  for (let i = 0; i < runs; i++) {
    for (const key of rotation(Object.keys(suites), i)) {
      ctx.progress(`runners: ${key} suite ${i + 1}/${runs}`);
      try {
        addSample(suite, key, labels[key], i, await suites[key]());
      } catch (error) {
        suite.errors.push(`${key}: ${error.message.split('\n')[0]}`);
      }
    }
  }
  compare(suite, 'node-test', 'vitest');
  compare(suite, 'bun', 'vitest');
  return [finalise(overhead), finalise(runtimes), finalise(suite)];
}
