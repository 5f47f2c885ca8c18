// Every way the engine says "no" reaches a handle's caller as a berth error with its own class, the
// HTTP status and the engine's words — never a raw HTTP client error or a DOMException.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortError,
  BerthError,
  ContainerNotFoundError,
  ContainerNotRunningError,
  type ContainerSpec,
  FileNotFoundInContainerError,
  NameConflictError,
  start,
  wait,
} from '@berth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { labelled } from '../support/docker.js';

const BUSY: ContainerSpec = { image: 'busybox:latest', command: ['sleep', '3600'] };

async function failure(fn: () => Promise<unknown>): Promise<BerthError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BerthError);
    return error as BerthError;
  }
  throw new Error('expected a failure');
}

afterAll(async () => {
  const session = process.env.BERTH_SESSION_ID;
  if (!session) throw new Error('no session');
  expect((await labelled(`dev.berth.session=${session}`)).containers).toEqual([]);
});

describe('handle methods after stop()', () => {
  it('every engine-backed method names the missing container, with a hint', async () => {
    const c = await start(BUSY);
    await c.stop();
    const out = mkdtempSync(join(tmpdir(), 'berth-after-stop-'));
    const calls: [string, () => Promise<unknown>][] = [
      ['logs', () => c.logs()],
      ['followLogs', () => c.followLogs()],
      ['copyTo', () => c.copyTo({ content: 'x', target: '/tmp/x' })],
      ['copyFrom', () => c.copyFrom('/etc/hostname')],
      ['readFile', () => c.readFile('/etc/hostname')],
      ['copyOut', () => c.copyOut('/etc/hostname', out)],
    ];
    for (const [name, call] of calls) {
      const error = await failure(call);
      expect(error, name).toBeInstanceOf(ContainerNotFoundError);
      expect((error as ContainerNotFoundError).status, name).toBe(404);
      expect((error as ContainerNotFoundError).engineMessage, name).toMatch(/no such container/i);
      expect(error.hint, name).toContain('stopped and removed');
    }
    rmSync(out, { recursive: true, force: true });
    for (const [name, call] of [
      ['exec', () => c.exec(['true'])],
      ['restart', () => c.restart()],
    ] as const) {
      expect(await failure(call), name).toBeInstanceOf(ContainerNotRunningError);
    }
    expect(await c.inspect()).toBeUndefined();
  });
});

describe('a container that exited by itself (not removed)', () => {
  it('exec is ContainerNotRunningError with the 409 and the engine message', async () => {
    await using c = await start({ image: 'busybox:latest', command: ['true'], wait: wait.exit(0) });
    const error = await failure(() => c.exec(['true']));
    expect(error).toBeInstanceOf(ContainerNotRunningError);
    expect(error.details.status).toBe(409);
    expect(String(error.details.engineMessage)).toMatch(/not running/i);
    expect(error.hint).toContain('exited');
    // Reading what it left behind still works: copy-out does not need a running container.
    expect((await c.readFile('/etc/hostname')).length).toBeGreaterThan(0);
  });
});

describe('copy out', () => {
  it('a missing file is FileNotFoundInContainerError naming the path', async () => {
    await using c = await start(BUSY);
    const error = await failure(() => c.readFile('/no/such/file'));
    expect(error).toBeInstanceOf(FileNotFoundInContainerError);
    expect(error.summary).toContain('/no/such/file');
    expect(error.details.status).toBe(404);
    expect(error.message).not.toMatch(/HTTP code/);
  });
});

describe('names', () => {
  it('a second container with a taken name is NameConflictError; the first keeps running', async () => {
    const name = `berth-conflict-${process.pid}-${Date.now().toString(36)}`;
    await using first = await start({ ...BUSY, name });
    const error = await failure(() => start({ ...BUSY, name }));
    expect(error).toBeInstanceOf(NameConflictError);
    expect(error.details.status).toBe(409);
    expect(error.details.phase).toBe('create');
    expect(String(error.details.engineMessage)).toContain(name);
    expect((await first.inspect())?.State.Running).toBe(true);
  });
});

describe('abort', () => {
  it('aborting an exec is berth AbortError (not a DOMException), fast', async () => {
    await using c = await start(BUSY);
    const controller = new AbortController();
    const began = performance.now();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(() => c.exec(['sleep', '30'], { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('BERTH_ABORTED');
    expect(performance.now() - began).toBeLessThan(budget(5000));
    // The container is still usable afterwards.
    expect((await c.exec(['echo', 'ok'])).stdout).toBe('ok\n');
  });

  it('an exec whose signal already fired never reaches the engine', async () => {
    await using c = await start(BUSY);
    const error = await failure(() => c.exec(['true'], { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
  });
});
