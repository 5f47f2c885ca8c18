import { describe, expect, it } from 'vitest';
import { ContainerExitedError, WaitFailedError, WaitTimeoutError } from '../errors.js';
import { FakeTarget, later, waitFor } from './fake-target.js';
import { healthy } from './healthy.js';

describe('wait.healthy', () => {
  it('resolves once the health check reports healthy', async () => {
    const target = new FakeTarget();
    target.setHealth('starting');
    const waiting = waitFor(healthy(), target);
    await later(30, () => target.setHealth('healthy', 'accepting connections'));
    await expect(waiting).resolves.toBeUndefined();
  });

  it('times out with the last probe output while starting', async () => {
    const target = new FakeTarget();
    target.setHealth('starting', 'pg_isready: no response');
    const error = await waitFor(healthy(), target, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('last: health: starting, last probe: exit code 1: pg_isready: no response');
  });

  it('fails at once on unhealthy, quoting the last probe', async () => {
    const target = new FakeTarget();
    target.setHealth('unhealthy', 'curl: (7) Failed to connect');
    const started = performance.now();
    const error = (await waitFor(healthy(), target, { timeoutMs: 5000 }).catch((e: unknown) => e)) as WaitFailedError;
    // Far below the 5 s timeout: it did not wait for it.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.summary).toBe('health check reports unhealthy: exit code 1: curl: (7) Failed to connect');
  });

  it('fails at once with a hint when there is no health check', async () => {
    const error = (await waitFor(healthy(), new FakeTarget()).catch((e: unknown) => e)) as WaitFailedError;
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.summary).toBe('wait.healthy(): the container has no health check');
    expect(error.hint).toMatch(/healthcheck/);
  });

  it('fails fast when the container stops', async () => {
    const target = new FakeTarget();
    target.setHealth('starting');
    target.log('out of disk');
    const waiting = waitFor(healthy(), target, { timeoutMs: 5000 });
    await later(10, () => target.exit(2));
    const error = (await waiting.catch((e: unknown) => e)) as ContainerExitedError;
    expect(error).toBeInstanceOf(ContainerExitedError);
    expect(error.details).toMatchObject({ exitCode: 2, logTail: ['out of disk'] });
  });
});
