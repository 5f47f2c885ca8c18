/**
 * Ctrl-C (SIGINT to the process group, as a terminal sends it) and SIGTERM in the middle of a run,
 * for vitest, jest and a plain script using @berth/core: the main process lets berth remove what it
 * created, prints one line, exits 130/143, and the engine holds nothing of the run at the moment the
 * process has exited. bench/sigint.mjs runs the same 15 times each and prints the counts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { interruptRun } from './support/interrupt.mjs';
import { assertPrerequisites, fixtureEnv, type JestProject, prepareProject, removePackageCopies } from './support/jest-projects.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const RUNS = 3;

interface Interrupted {
  ready: boolean;
  output: string;
  code: number | null;
  leftAtExit: string[];
}

function expectCleanStop(result: Interrupted, signal: 'SIGINT' | 'SIGTERM'): void {
  expect(result.ready, result.output).toBe(true);
  expect(result.leftAtExit, result.output).toEqual([]);
  expect(result.code, result.output).toBe(signal === 'SIGINT' ? 130 : 143);
  const lines = result.output.split('\n').filter((line) => line.startsWith('berth: stopped on'));
  expect(lines, result.output).toEqual([expect.stringMatching(new RegExp(`^berth: stopped on ${signal}; removed \\d+ containers?`))]);
}

describe('a plain script using @berth/core', () => {
  test.each(Array.from({ length: RUNS }, (_, i) => i + 1))('SIGINT %i: cleans before it exits 130', async () => {
    const result = await interruptRun({ command: process.execPath, args: ['interrupted.mjs'], cwd: join(fixtures, 'plain') });
    expectCleanStop(result, 'SIGINT');
  });

  test('SIGTERM: cleans before it exits 143', async () => {
    const result = await interruptRun({
      command: process.execPath,
      args: ['interrupted.mjs'],
      cwd: join(fixtures, 'plain'),
      signal: 'SIGTERM',
    });
    expectCleanStop(result, 'SIGTERM');
  });
});

describe('vitest', () => {
  const suites = join(fixtures, 'vitest-suites');
  const cli = join(suites, 'node_modules/vitest/vitest.mjs');

  test.each(Array.from({ length: RUNS }, (_, i) => i + 1))('SIGINT %i: berth holds the exit until it has cleaned', async () => {
    const result = await interruptRun({ command: process.execPath, args: [cli, 'run'], cwd: join(suites, 'interrupted') });
    expectCleanStop(result, 'SIGINT');
  });

  test('SIGTERM: the same', async () => {
    const result = await interruptRun({
      command: process.execPath,
      args: [cli, 'run'],
      cwd: join(suites, 'interrupted'),
      signal: 'SIGTERM',
    });
    expectCleanStop(result, 'SIGTERM');
  });
});

describe('jest 30', () => {
  const projects: JestProject[] = [];
  beforeAll(() => assertPrerequisites());
  afterAll(() => {
    for (const project of projects) project.remove();
    removePackageCopies();
  });

  const interruptJest = async (signal: 'SIGINT' | 'SIGTERM') => {
    const target = prepareProject('killed', 30);
    projects.push(target);
    return interruptRun({
      command: process.execPath,
      args: [target.cli, '--maxWorkers=2'],
      cwd: target.dir,
      env: fixtureEnv(target),
      signal,
      isReady: () => existsSync(target.marksFile) && readFileSync(target.marksFile, 'utf8').includes('"ready":true'),
    });
  };

  test.each(Array.from({ length: RUNS }, (_, i) => i + 1))('SIGINT %i: berth holds the exit until it has cleaned', async () => {
    expectCleanStop(await interruptJest('SIGINT'), 'SIGINT');
  });

  test('SIGTERM: the same', async () => {
    expectCleanStop(await interruptJest('SIGTERM'), 'SIGTERM');
  });
});
