// The `berth` CLI (dist/cli.js) against the real engine. Real removals only ever target sessions
// this file created; `prune --all` runs with --dry-run only.
import { execFile } from 'node:child_process';
import { describe, expect, it, type TestContext } from 'vitest';
import { cliPath } from '../support/session-core.mjs';
import { type Child, leftovers, removeSessionByCli, startChild } from '../support/session-helpers.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function berth(...args: string[]): Promise<CliResult> {
  return berthWith({}, ...args);
}

function berthWith(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function child(t: TestContext, env: Record<string, string | undefined> = {}): Promise<Child> {
  const c = await startChild('wait', env);
  t.onTestFinished(async () => {
    if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await c.exited;
    await removeSessionByCli(c.info.session);
  });
  return c;
}

describe('berth usage', () => {
  it('prints help with exit 0 and rejects bad usage with exit 2', async () => {
    const help = await berth('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: berth <command>');
    const bad = await berth('prune', '--bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown option --bogus');
  });
});

describe('berth doctor', () => {
  it('reports every strategy, the endpoint used, versions and the port host', async () => {
    const human = await berth('doctor');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/default socket\s+answers/);
    expect(human.stdout).toMatch(/endpoint\s+\S+ \(via /);
    expect(human.stdout).toMatch(/engine\s+\S+, API \d+\.\d+/);
    expect(human.stdout).toMatch(/ports\s+published ports are reached on \S+/);

    const json = await berth('doctor', '--json');
    const report = JSON.parse(json.stdout);
    expect(report.used.apiVersion).toMatch(/^\d+\.\d+$/);
    expect(report.strategies.map((s: { strategy: string }) => s.strategy)).toContain('default socket');
    expect(report.reaper.script).toMatch(/reaper\.js$/);
  });

  it('exits 1 when the engine it is pointed at does not answer', async () => {
    const result = await berth('doctor', '--engine', 'unix:///nonexistent/berth-test.sock');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the engine chosen explicitly cannot be used (berth tries nothing else)');
    expect(result.stdout).toMatch(
      /option\s+failed\s+unix:\/\/\/nonexistent\/berth-test\.sock — no socket at \/nonexistent\/berth-test\.sock\n/,
    );
    expect(result.stdout).not.toContain('default socket');
  });

  it.each([
    [{ DOCKER_HOST: 'garbage' }, 'DOCKER_HOST="garbage" is not a usable engine address'],
    [{ DOCKER_HOST: 'tcp//bad' }, 'DOCKER_HOST="tcp//bad" is not a usable engine address'],
    [{ DOCKER_CONTEXT: 'nosuch' }, 'DOCKER_CONTEXT="nosuch": context "nosuch" not found'],
  ])('refuses an explicit choice it cannot use, as the docker CLI does: %o', async (env, message) => {
    const result = await berthWith(env, 'doctor');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(message);
    expect(result.stdout).not.toContain('default socket');
  });
});

describe('berth ls and prune', () => {
  it('lists a live session and never prunes it', async (t) => {
    const live = await child(t);
    const ls = await berth('ls', '--session', live.info.session);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain(`session ${live.info.session}  owner pid ${live.info.pid}`);
    expect(ls.stdout).toMatch(/alive \(pid \d+ is running\)/);
    expect(ls.stdout).toContain(live.info.network);

    const json = JSON.parse((await berth('ls', '--json', '--session', live.info.session)).stdout);
    expect(json.sessions).toHaveLength(1);
    expect(json.sessions[0].state).toBe('alive');
    expect(json.sessions[0].resources.map((r: { kind: string }) => r.kind).sort()).toEqual(['container', 'network', 'volume']);

    const prune = await berth('prune', '--session', live.info.session);
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain('nothing to prune');
    expect((await leftovers(live.info.session)).length).toBe(3);

    // --all would take it; dry run only.
    const all = JSON.parse((await berth('prune', '--all', '--dry-run', '--json')).stdout);
    expect(all.dryRun).toBe(true);
    expect(all.wouldRemove.filter((r: { session: string }) => r.session === live.info.session)).toHaveLength(3);
    expect((await leftovers(live.info.session)).length).toBe(3);
  });

  it('prunes a dead session: --dry-run lists, the real run removes', async (t) => {
    const dead = await child(t, { BERTH_REAPER: 'off' });
    dead.process.kill('SIGKILL');
    await dead.exited;
    const session = dead.info.session;

    const ls = JSON.parse((await berth('ls', '--json', '--session', session)).stdout);
    expect(ls.sessions[0]).toMatchObject({ session, state: 'dead', reason: `pid ${dead.info.pid} is gone` });

    const dry = await berth('prune', '--dry-run', '--json', '--session', session);
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout);
    expect(planned.sessions).toEqual([session]);
    expect(planned.wouldRemove.map((r: { kind: string }) => r.kind)).toEqual(['container', 'network', 'volume']);
    expect((await leftovers(session)).length).toBe(3);

    const human = await berth('prune', '--session', session);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('removed 3 resource(s) of 1 session group(s)');
    expect(await leftovers(session)).toEqual([]);
  });
});
