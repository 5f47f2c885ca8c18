import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, MissingPeerDependencyError, WaitTimeoutError } from '../errors.js';
import { FakeTarget, later, tcpServer, waitFor } from './fake-target.js';
import { loadWaitOn, resource } from './wait-on.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-wait-on-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The first import of wait-on and its dependencies takes a while; keep it out of the timed tests.
beforeAll(async () => {
  await loadWaitOn();
});

describe('wait.resource', () => {
  it('explains how to install wait-on when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'wait-on' imported from /app"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = (await loadWaitOn(() => Promise.reject(missing)).catch((e: unknown) => e)) as MissingPeerDependencyError;
    expect(error).toBeInstanceOf(MissingPeerDependencyError);
    expect(error.hint).toContain('pnpm add -D wait-on');
    expect(error.cause).toBe(missing);
  });

  it('passes other import failures through', async () => {
    const other = new SyntaxError('bad');
    await expect(loadWaitOn(() => Promise.reject(other))).rejects.toBe(other);
  });

  it('waits for a file to appear', async () => {
    const file = join(dir, 'ready.flag');
    const waiting = waitFor(resource([file]), new FakeTarget(), { timeoutMs: 3000 });
    await later(50, () => writeFileSync(file, 'ok'));
    await expect(waiting).resolves.toBeUndefined();
  });

  it('waits for a TCP port on the host', async () => {
    const server = await tcpServer();
    try {
      await expect(waitFor(resource([`tcp:127.0.0.1:${server.port}`]), new FakeTarget())).resolves.toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('times out naming the resource', async () => {
    const file = join(dir, 'never.flag');
    const error = await waitFor(resource([file]), new FakeTarget(), { timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain(`waiting for resource ${file}`);
    expect((error as Error).message).toContain('Timed out waiting for');
  });

  it('rejects bad resource syntax at once', async () => {
    expect(() => resource([])).toThrow(InvalidSpecError);
    await expect(waitFor(resource(['tcp:not-a-port']), new FakeTarget())).rejects.toBeInstanceOf(InvalidSpecError);
  });
});
