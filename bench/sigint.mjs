#!/usr/bin/env node
/**
 * `node bench/sigint.mjs [--runs 15] [--only plain,vitest,jest] [--signal SIGINT]`
 *
 * Ctrl-C in the middle of a run, N times for each runner: a plain script using @berth/core, vitest
 * (test/e2e/fixtures/vitest-suites/interrupted) and jest 30 (test/e2e/fixtures/jest-projects/killed).
 * Each run is started in a process group of its own and interrupted (signal to the group, as a
 * terminal sends it) once a test holds a fresh database; the engine is asked what the run still has
 * the moment its main process has exited. Prints, per runner: runs, exit codes, runs with berth
 * resources present at exit (target 0), runs that printed the one "stopped on" line, time from the
 * signal to the exit (median / max). Needs `pnpm build` and the postgres:15 and redis:7 images.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { interruptRun } from '../test/e2e/support/interrupt.mjs';
import { fmtMs, summarise } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURES = join(ROOT, 'test/e2e/fixtures');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    only: { type: 'string', default: 'plain,vitest,jest' },
    signal: { type: 'string', default: 'SIGINT' },
  },
});
const runs = Number(args.runs);
const signal = args.signal;

/** A throwaway jest 30 project from the `killed` fixture, linked to the workspace's built packages. */
function jestProject() {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sigint-jest-'));
  cpSync(join(FIXTURES, 'jest-projects/killed'), dir, { recursive: true });
  const install = join(FIXTURES, 'jest-30/node_modules');
  mkdirSync(join(dir, 'node_modules/@berth'), { recursive: true });
  for (const entry of readdirSync(install))
    if (entry !== '@berth') symlinkSync(join(install, entry), join(dir, 'node_modules', entry), 'dir');
  symlinkSync(join(ROOT, 'packages/core'), join(dir, 'node_modules/@berth/core'), 'dir');
  symlinkSync(join(ROOT, 'packages/jest-preset'), join(dir, 'node_modules/@berth/jest'), 'dir');
  return dir;
}

const runners = {
  plain: () => ({ command: process.execPath, args: ['interrupted.mjs'], cwd: join(FIXTURES, 'plain') }),
  vitest: () => ({
    command: process.execPath,
    args: [join(FIXTURES, 'vitest-suites/node_modules/vitest/vitest.mjs'), 'run'],
    cwd: join(FIXTURES, 'vitest-suites/interrupted'),
  }),
  jest: () => {
    const dir = jestProject();
    const marks = join(dir, 'marks.jsonl');
    return {
      command: process.execPath,
      args: [join(dir, 'node_modules/jest/bin/jest.js'), '--maxWorkers=2'],
      cwd: dir,
      env: { BERTH_FIXTURE_MARKS: marks },
      isReady: () => existsSync(marks) && readFileSync(marks, 'utf8').includes('"ready":true'),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const rows = [];
for (const name of args.only.split(',')) {
  const make = runners[name];
  if (!make) throw new Error(`unknown runner ${name}; known: ${Object.keys(runners).join(', ')}`);
  const codes = {};
  let left = 0;
  let lines = 0;
  let notReady = 0;
  const exitMs = [];
  for (let i = 1; i <= runs; i++) {
    const spec = make();
    try {
      const result = await interruptRun({ ...spec, signal });
      if (!result.ready) {
        notReady += 1;
        process.stderr.write(`[sigint] ${name} ${i}: never got ready\n${result.output.slice(-2000)}\n`);
        continue;
      }
      codes[result.code] = (codes[result.code] ?? 0) + 1;
      if (result.leftAtExit.length > 0) left += 1;
      if (result.output.split('\n').filter((line) => line.startsWith(`berth: stopped on ${signal}`)).length === 1) lines += 1;
      exitMs.push(result.exitMs);
      process.stderr.write(
        `[sigint] ${name} ${i}/${runs}: exit ${result.code}, ${result.leftAtExit.length} left at exit, ${Math.round(result.exitMs)} ms\n`,
      );
    } finally {
      spec.cleanup?.();
    }
  }
  const stats = summarise(exitMs);
  rows.push({ name, runs, notReady, codes, left, lines, median: stats.median, max: Math.max(...exitMs) });
}

process.stdout.write(`\n${signal} to the process group mid-run, ${runs} times per runner (target: 0 runs with resources at exit)\n\n`);
process.stdout.write('| runner | runs | exit codes | resources present at exit | one "stopped on" line | signal → exit median / max |\n');
process.stdout.write('| --- | --- | --- | --- | --- | --- |\n');
for (const row of rows) {
  const codes = Object.entries(row.codes)
    .map(([code, count]) => `${code} ×${count}`)
    .join(', ');
  process.stdout.write(
    `| ${row.name} | ${row.runs - row.notReady}${row.notReady ? ` (+${row.notReady} not ready)` : ''} | ${codes} | ${row.left} | ${row.lines} | ${fmtMs(row.median)} / ${fmtMs(row.max)} |\n`,
  );
}
