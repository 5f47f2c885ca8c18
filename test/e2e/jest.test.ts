/**
 * @berth/jest end to end: the fixture projects in fixtures/jest-projects run through a real jest (29
 * and 30), as a child process, against the real engine. Assertions are on exit code, output, what the
 * fixture tests recorded (fixtures/jest-projects/*, BERTH_FIXTURE_MARKS) and what the engine holds
 * (asked through the docker CLI, selected by the runner's pid label, so other people's runs on the
 * same engine are never looked at or touched).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { budget } from '../support/budget.js';
import { type Child, eventually, type Finished, REAPER_PASS_MS, runChild, spawnChild } from './support/child.js';
import { containersOwnedBy, leftoversOf, OWNER_PID_LABEL, removeLeftovers } from './support/docker.js';
import {
  assertPrerequisites,
  fixtureEnv,
  JEST_VERSIONS,
  type JestProject,
  OPEN_HANDLE_REPORTS,
  prepareProject,
  removePackageCopies,
} from './support/jest-projects.js';

const RUN_TIMEOUT_MS = 240_000;
const here = dirname(fileURLToPath(import.meta.url));

/** Runner pids of the current test: checked for leftovers after it, cleaned if it failed. */
const runners: number[] = [];
/** Processes to end after the current test: still-running runners, orphaned workers. */
const children = new Set<Child>();
const strays = new Set<number>();
const projects: JestProject[] = [];

beforeAll(() => {
  assertPrerequisites();
});

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([...children].map((child) => child.exited));
  children.clear();
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  strays.clear();
  // A failed assertion must not leave containers for the next test (or for others on the engine).
  await Promise.all(runners.splice(0).map((pid) => removeLeftovers({ [OWNER_PID_LABEL]: String(pid) })));
});

afterAll(() => {
  for (const project of projects) project.remove();
  removePackageCopies();
});

function project(scenario: string, version: (typeof JEST_VERSIONS)[number]): JestProject {
  const made = prepareProject(scenario, version);
  projects.push(made);
  return made;
}

async function runJest(target: JestProject, args: string[], env: Record<string, string> = {}): Promise<Finished> {
  const run = await runChild(process.execPath, [target.cli, ...args], {
    cwd: target.dir,
    env: fixtureEnv(target, env),
    timeoutMs: RUN_TIMEOUT_MS,
  });
  runners.push(run.pid);
  return run;
}

function expectNoOpenHandleReports(output: string): void {
  for (const report of OPEN_HANDLE_REPORTS) expect(output).not.toMatch(report);
}

const ESM = { NODE_OPTIONS: '--experimental-vm-modules' };

const execFileText = async (command: string, args: string[]) => (await promisify(execFile)(command, args)).stdout;

describe.each(JEST_VERSIONS)('jest %i', (version) => {
  test('ts-jest, CommonJS: postgres and redis in two workers, fresh databases per test and per file', async () => {
    const target = project('ts-jest-cjs', version);
    const run = await runJest(target, ['--maxWorkers=2']);

    expect(run.output).toMatch(/Tests:\s+10 passed, 10 total/);
    expect(run.code, run.output).toBe(0);
    expectNoOpenHandleReports(run.output);
    expect(await leftoversOf(run.pid)).toEqual([]);

    const marks = target.marks();
    // Two worker processes ran the files (the hand-off reached both through the environment).
    expect(new Set(marks.map((mark) => mark.pid)).size).toBe(2);

    const perTest = marks.find((mark) => mark.file === 'per-test')?.perTest as string[];
    expect(new Set(perTest).size).toBe(2);

    const perFile = marks.filter((mark) => String(mark.file).startsWith('per-file-'));
    expect(perFile).toHaveLength(4);
    // Each file had its database and redis db to itself (fresh: one row, counter 1), and each test
    // got one more database of its own.
    for (const mark of perFile) {
      expect(mark.rowsInFileDb).toBe(1);
      expect(mark.counter).toBe(':1');
    }
    const fileDbs = perFile.map((mark) => mark.fileDb);
    const testDbs = perFile.map((mark) => mark.testDb);
    expect(new Set([...fileDbs, ...testDbs]).size).toBe(8);
  });

  test('the shared test files (also run by vitest) pass unchanged: helpers, pool faults, pool exhaustion', async () => {
    const target = project('shared', version);
    const source = join(here, 'fixtures/vitest-suites/shared');
    mkdirSync(join(target.dir, 'tests'), { recursive: true });
    copyFileSync(join(source, 'berth.config.ts'), join(target.dir, 'berth.config.ts'));
    for (const file of ['helpers.shared.ts', 'pool.shared.ts']) copyFileSync(join(source, 'tests', file), join(target.dir, 'tests', file));
    const run = await runJest(target, ['--maxWorkers=2']);

    expect(run.output).toMatch(/Tests:\s+6 passed, 6 total/);
    expect(run.code, run.output).toBe(0);
    expect(await leftoversOf(run.pid)).toEqual([]);
  });

  test('20 suites that end their pg Pool without awaiting it (no error listener) do not crash jest', async () => {
    // The vitest fixture's files, unchanged: four files of five suites, each ending a 4-client pool
    // in afterAll without await while berth recycles its fresh database (issue 28).
    const target = project('closing-pools', version);
    const source = join(here, 'fixtures/vitest-suites/closing-pools');
    mkdirSync(join(target.dir, 'tests'), { recursive: true });
    copyFileSync(join(source, 'berth.config.ts'), join(target.dir, 'berth.config.ts'));
    for (const file of ['unawaited-pool.ts', 'pool-a.shared.ts', 'pool-b.shared.ts', 'pool-c.shared.ts', 'pool-d.shared.ts']) {
      copyFileSync(join(source, 'tests', file), join(target.dir, 'tests', file));
    }
    const run = await runJest(target, ['--maxWorkers=2']);

    expect(run.output).not.toMatch(/Unhandled error|terminating connection due to administrator command|Connection terminated/);
    expect(run.output).toMatch(/Tests:\s+20 passed, 20 total/);
    expect(run.code, run.output).toBe(0);
    expect(await leftoversOf(run.pid)).toEqual([]);
  });

  test('one summary line on stderr in CI (services, images, ready time), none with BERTH_QUIET=1', async () => {
    const target = project('summary', version);
    const source = join(here, 'fixtures/vitest-suites/summary');
    mkdirSync(join(target.dir, 'tests'), { recursive: true });
    copyFileSync(join(source, 'berth.config.ts'), join(target.dir, 'berth.config.ts'));
    copyFileSync(join(source, 'tests', 'started.shared.ts'), join(target.dir, 'tests', 'started.shared.ts'));
    const summary = /^berth: cache \(redis:7\) ready in \d+\.\d s$/gm;

    const ci = await runJest(target, [], { CI: '1' });
    expect(ci.code, ci.output).toBe(0);
    expect(ci.output.match(summary), ci.output).toHaveLength(1);
    const quiet = await runJest(target, [], { CI: '1', BERTH_QUIET: '1' });
    expect(quiet.code, quiet.output).toBe(0);
    expect(quiet.output).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(quiet.output).not.toMatch(/^berth: /m);
  });

  test('ESM test files through @swc/jest, services inline in withBerth(), the project globalSetup after berth', async () => {
    const target = project('swc-esm', version);
    const run = await runJest(target, ['--maxWorkers=2'], ESM);

    expect(run.output).toMatch(/Tests:\s+4 passed, 4 total/);
    expect(run.code, run.output).toBe(0);
    expectNoOpenHandleReports(run.output);
    expect(await leftoversOf(run.pid)).toEqual([]);

    const marks = target.marks();
    expect(marks.find((mark) => mark.file === 'global-setup')?.databaseUrl).toMatch(/^postgres:\/\//);
    const esm = marks.find((mark) => mark.file === 'esm');
    expect(esm?.perFile).toMatch(/^berth_/);
    expect(esm?.perTest).not.toBe(esm?.perFile);
  });

  test("a service that cannot start fails the run at once with berth's error and leaves nothing", async () => {
    const target = project('failing-service', version);
    const run = await runJest(target, []);

    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/globalSetup/);
    expect(run.output).toMatch(/postgres `setup` hook .*failed: migration 042 failed: relation "users" already exists/);
    expect(run.output).toMatch(/hint: /);
    expect(run.output).not.toMatch(/Tests:/);
    expect(run.output).not.toMatch(/a test ran although globalSetup failed/);
    // Cleaned before jest reported the error: nothing to wait for.
    expect(await leftoversOf(run.pid)).toEqual([]);
  });

  test('--detectOpenHandles (in band: tests in the main process) reports nothing and jest exits promptly', async () => {
    const target = project('ts-jest-cjs', version);
    const child = spawnChild(process.execPath, [target.cli, '--detectOpenHandles'], { cwd: target.dir, env: fixtureEnv(target) });
    children.add(child);
    runners.push(child.pid);
    child.endInput();
    await child.waitFor(/Ran all test suites/, RUN_TIMEOUT_MS);
    // globalTeardown runs after the summary; once it removed the containers, jest has nothing left to do.
    expect(await eventually(async () => (await leftoversOf(child.pid)).length === 0, { timeoutMs: 60_000 })).toBe(true);
    const gone = performance.now();
    const exit = await child.exited;
    children.delete(child);

    expect(performance.now() - gone).toBeLessThan(budget(5_000));
    expect(child.output()).toMatch(/Tests:\s+10 passed, 10 total/);
    expect(exit.code, child.output()).toBe(0);
    expectNoOpenHandleReports(child.output());
    expect(child.output()).not.toMatch(/open handle/i);
  });

  test("SIGKILL of jest while tests use the services leaves nothing behind after the reaper's pass", async () => {
    const target = project('killed', version);
    const child = spawnChild(process.execPath, [target.cli, '--maxWorkers=2'], { cwd: target.dir, env: fixtureEnv(target) });
    children.add(child);
    runners.push(child.pid);
    child.endInput();
    const ready = await eventually(async () => target.marks().some((mark) => mark.ready === true), {
      timeoutMs: RUN_TIMEOUT_MS,
      intervalMs: 500,
    });
    expect(ready, child.output()).toBe(true);
    for (const mark of target.marks()) if (typeof mark.pid === 'number') strays.add(mark.pid);
    expect((await containersOwnedBy(child.pid)).length).toBeGreaterThanOrEqual(2);

    child.kill('SIGKILL');
    await child.exited;
    children.delete(child);
    const killedAt = performance.now();
    const cleaned = await eventually(async () => (await leftoversOf(child.pid)).length === 0, { timeoutMs: REAPER_PASS_MS });
    expect(cleaned, `still there after ${Math.round(performance.now() - killedAt)} ms: ${(await leftoversOf(child.pid)).join(', ')}`).toBe(
      true,
    );
  });

  test('--watchAll keeps the services across re-runs and removes them when jest is stopped', async () => {
    const target = project('watch', version);
    const child = spawnChild(process.execPath, [target.cli, '--watchAll'], {
      cwd: target.dir,
      // CI unset: jest is never interactive (and ignores `q`) when it thinks it is on CI.
      env: { BERTH_FIXTURE_MARKS: target.marksFile, CI: undefined },
    });
    children.add(child);
    runners.push(child.pid);
    await child.waitFor(/Tests:\s+1 passed, 1 total/, RUN_TIMEOUT_MS);
    const before = (await containersOwnedBy(child.pid)).map((row) => row.id);
    expect(before).toHaveLength(1);

    // A change to a test file makes jest run again, through globalTeardown and globalSetup.
    const file = join(target.dir, 'tests/cache.test.js');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// changed\n`);
    expect(await eventually(async () => target.marks().length >= 2, { timeoutMs: 120_000, intervalMs: 250 }), child.output()).toBe(true);
    const [first, second] = target.marks();
    expect(second?.container).toBe(first?.container);
    expect(second?.port).toBe(first?.port);
    expect((await containersOwnedBy(child.pid)).map((row) => row.id)).toEqual(before);

    child.kill('SIGTERM');
    await child.exited;
    children.delete(child);
    expect(await eventually(async () => (await leftoversOf(child.pid)).length === 0, { timeoutMs: REAPER_PASS_MS })).toBe(true);
  });

  test('--watchAll in a terminal: pressing q ends jest, and the services go with it', async () => {
    const target = project('watch', version);
    // `script` gives jest a pseudo-terminal, so it reads keys the way it does for a person.
    const command = `exec ${process.execPath} ${target.cli} --watchAll --rootDir=${target.dir}`;
    const child = spawnChild('script', ['-qfec', command, '/dev/null'], {
      cwd: target.dir,
      // CI unset: jest is never interactive (and ignores `q`) when it thinks it is on CI.
      env: { BERTH_FIXTURE_MARKS: target.marksFile, CI: undefined },
    });
    children.add(child);
    await child.waitFor(/Press.*q.*to quit watch mode/, RUN_TIMEOUT_MS);
    // exec: the process under `script` is jest itself, the owner of the berth session.
    const jestPid = Number((await execFileText('pgrep', ['-P', String(child.pid)])).trim());
    runners.push(jestPid);
    expect((await containersOwnedBy(jestPid)).length).toBe(1);

    child.write('q');
    const exit = await child.exited;
    children.delete(child);
    expect(exit.code, child.output()).toBe(0);
    // jest leaves with process.exit: no teardown runs, the session's reaper removes everything.
    expect(await eventually(async () => (await leftoversOf(jestPid)).length === 0, { timeoutMs: REAPER_PASS_MS })).toBe(true);
  });
});
