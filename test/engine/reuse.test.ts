// Reuse across runs against the real engine. Each "run" is a child process (test/support/
// reuse-child.mjs) with its own session, starting a reusable busybox container whose identity is
// made unique to the test by a user label. Every reused container and marker a test makes is removed
// by the test, by its hash (the docker CLI is the oracle and the cleaner).
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { docker } from '../support/docker.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const childScript = path.join(here, '../support/reuse-child.mjs');
const cli = path.join(here, '../../packages/core/dist/cli.js');
const stamp = `${process.pid}-${Date.now().toString(36)}`;

interface Ready {
  id: string;
  name: string;
  reuse: { hash: string; action: 'reused' | 'created'; reason: string };
}

const tags = new Set<string>();
const hashes = new Set<string>();

function tagged(name: string): string {
  const tag = `${name}-${stamp}`;
  tags.add(tag);
  return tag;
}

function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // A run of its own: never join this test process's session; CI must not turn reuse off here.
  delete env.BERTH_SESSION_ID;
  delete env.BERTH_SESSION_OWNER_PID;
  delete env.BERTH_SESSION_OWNER_START;
  delete env.CI;
  delete env.BERTH_REUSE;
  return env;
}

function spawnRun(tag: string, mode = 'exit', extra: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [childScript, tag, mode], { env: freshEnv(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (c) => {
    out += c;
  });
  proc.stderr.on('data', (c) => {
    out += c;
  });
  const ready = new Promise<Ready>((resolve, reject) => {
    proc.stdout.on('data', () => {
      const line = out.split('\n').find((l) => l.startsWith('ready '));
      if (line) resolve(JSON.parse(line.slice(6)) as Ready);
    });
    proc.on('exit', (code) => reject(new Error(`run exited with ${code} before ready:\n${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  void ready.then((r) => hashes.add(r.reuse.hash)).catch(() => undefined);
  return { proc, ready, exited, output: () => out };
}

/** One whole run: start, report, end the session, exit 0. */
async function oneRun(tag: string, extra: Record<string, string> = {}): Promise<Ready> {
  const r = spawnRun(tag, 'exit', extra);
  const ready = await r.ready;
  expect(await r.exited, r.output()).toBe(0);
  return ready;
}

async function list(...args: string[]): Promise<string[]> {
  return (await docker(...args)).split('\n').filter(Boolean);
}

const containersOf = (tag: string) => list('ps', '-a', '--filter', `label=test.reuse=${tag}`, '--format', '{{.ID}} {{.State}}');

async function cleanupTag(tag: string): Promise<void> {
  const ids = await list('ps', '-aq', '--filter', `label=test.reuse=${tag}`);
  if (ids.length > 0) await docker('rm', '-f', '-v', ...ids);
}

afterEach(async () => {
  for (const tag of tags) await cleanupTag(tag);
  for (const hash of hashes) {
    for (const label of ['dev.berth.reuse.ready', 'dev.berth.reuse.last-use', 'dev.berth.reuse.lease']) {
      const volumes = await list('volume', 'ls', '-q', '--filter', `label=${label}=${hash}`);
      if (volumes.length > 0) await docker('volume', 'rm', '-f', ...volumes);
    }
  }
  tags.clear();
  hashes.clear();
});

describe('reuse across runs', () => {
  it('a second run reuses the container; a changed spec gets a new one', async () => {
    const tag = tagged('same');
    const first = await oneRun(tag);
    expect(first.reuse.action).toBe('created');
    expect(first.name).toBe(`berth-reuse-${first.reuse.hash.slice(0, 16)}`);
    // No session label: the end of the first run left it running.
    expect(await docker('inspect', '-f', '{{.State.Running}} {{index .Config.Labels "dev.berth.session"}}', first.id)).toBe('true');
    const second = await oneRun(tag);
    expect(second).toMatchObject({ id: first.id, reuse: { action: 'reused', hash: first.reuse.hash } });

    const other = await oneRun(tagged('changed'));
    expect(other.reuse.action).toBe('created');
    expect(other.reuse.hash).not.toBe(first.reuse.hash);
    expect(other.id).not.toBe(first.id);
  });

  it('a stopped reused container is replaced, not trusted', async () => {
    const tag = tagged('stopped');
    const first = await oneRun(tag);
    await docker('kill', first.id);
    const second = await oneRun(tag);
    expect(second.reuse.action).toBe('created');
    expect(second.reuse.reason).toMatch(/replaced: it was stopped/);
    expect(second.id).not.toBe(first.id);
    expect(await containersOf(tag)).toEqual([`${second.id.slice(0, 12)} running`]);
  });

  it('4 processes starting the same reusable service at once: exactly 1 container, all 4 succeed', async () => {
    const tag = tagged('four');
    const runs = Array.from({ length: 4 }, () => spawnRun(tag));
    const ready = await Promise.all(runs.map((r) => r.ready));
    const codes = await Promise.all(runs.map((r) => r.exited));
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(new Set(ready.map((r) => r.id)).size).toBe(1);
    expect(ready.filter((r) => r.reuse.action === 'created')).toHaveLength(1);
    expect(await containersOf(tag)).toHaveLength(1);
  });

  it('a process killed between create and start does not wedge the next one', async () => {
    const tag = tagged('killed');
    // 150 MB to copy makes the window between create and start long enough to kill in.
    const victim = spawnRun(tag, 'hold', { BIG_COPY_MB: '150', STARTUP_MS: '2000' });
    victim.ready.catch(() => undefined);
    const created = await pollFor(async () => (await containersOf(tag)).length > 0, 30_000);
    expect(created, victim.output()).toBe(true);
    victim.proc.kill('SIGKILL');
    await victim.exited;
    const states = await containersOf(tag);
    // Killed inside the window: created, never started (the 150 MB copy was still going).
    expect(states).toEqual([expect.stringMatching(/ created$/)]);
    const began = Date.now();
    const next = await oneRun(tag, { BIG_COPY_MB: '150' });
    // The next run waited for the victim's 2 s deadline, then replaced its container: one, running.
    expect(Date.now() - began).toBeLessThan(budget(30_000));
    expect(next.reuse).toMatchObject({ action: 'created', reason: expect.stringMatching(/never started/) });
    expect(await containersOf(tag)).toEqual([`${next.id.slice(0, 12)} running`]);
  });

  it('an idle reused container is removed by a later run’s start-up sweep after the TTL, not before', async () => {
    const tag = tagged('ttl');
    const idle = await oneRun(tag);
    // A later run with the default TTL (30 min) keeps it.
    const keeper = spawnRun(tagged('ttl-keeper'), 'hold');
    await keeper.ready;
    await sleep(2500); // the sweep runs 1 s after session start
    expect(await containersOf(tag)).toHaveLength(1);
    keeper.proc.kill('SIGTERM');
    await keeper.exited;
    // A later run with a 1 s TTL removes it (and its last-use marker), but not its own container.
    await sleep(1200);
    const sweeper = spawnRun(tagged('ttl-sweeper'), 'hold', { BERTH_REUSE_TTL: String(1 / 60) });
    const own = await sweeper.ready;
    // The sweep removes the container first, then its markers: wait for both.
    const markers = () => list('volume', 'ls', '-q', '--filter', `label=dev.berth.reuse.last-use=${idle.reuse.hash}`);
    const gone = await pollFor(async () => (await containersOf(tag)).length === 0 && (await markers()).length === 0, 10_000);
    expect(gone).toBe(true);
    expect(await docker('inspect', '-f', '{{.State.Running}}', own.id)).toBe('true');
    sweeper.proc.kill('SIGTERM');
    await sweeper.exited;
  });

  it('berth ls lists a reused container with hash, last use and holder; prune --reuse removes it', async () => {
    const tag = tagged('prune');
    const held = spawnRun(tag, 'hold');
    const ready = await held.ready;
    const short = ready.reuse.hash.slice(0, 16);
    const ls = JSON.parse((await run(process.execPath, [cli, 'ls', '--json'])).stdout) as {
      reused: { hash: string; lastUse: string; heldBy: string[] }[];
    };
    const entry = ls.reused.find((g) => g.hash === ready.reuse.hash);
    expect(entry?.heldBy).toHaveLength(1);
    expect(Date.now() - Date.parse(entry?.lastUse ?? '')).toBeLessThan(budget(60_000));
    const text = (await run(process.execPath, [cli, 'ls'])).stdout;
    expect(text).toMatch(new RegExp(`reuse ${short}  last use \\d+s ago  held by session`));

    // Held by a live run: prune --reuse leaves it.
    await run(process.execPath, [cli, 'prune', '--reuse']);
    expect(await containersOf(tag)).toHaveLength(1);
    held.proc.kill('SIGTERM');
    await held.exited;
    const dry = (await run(process.execPath, [cli, 'prune', '--reuse', '--dry-run'])).stdout;
    expect(dry).toContain(`would remove  container  ${ready.name}`);
    await run(process.execPath, [cli, 'prune', '--reuse']);
    expect(await containersOf(tag)).toEqual([]);
    expect(await list('volume', 'ls', '-q', '--filter', `label=dev.berth.reuse.last-use=${ready.reuse.hash}`)).toEqual([]);
  });
});

async function pollFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + budget(timeoutMs);
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}
