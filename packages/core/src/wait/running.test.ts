import { describe, expect, it } from 'vitest';
import type { ContainerExitedError } from '../errors.js';
import { FakeTarget, later, waitFor } from './fake-target.js';
import { running } from './running.js';

describe('wait.running', () => {
  it('resolves when the state is running, and waits while created', async () => {
    const target = new FakeTarget({ state: { status: 'created', running: false } });
    const waiting = waitFor(running(), target);
    await later(20, () => target.setState({ status: 'running', running: true }));
    await expect(waiting).resolves.toBeUndefined();
    expect(target.inspectCalls).toBeGreaterThan(1);
  });

  it('times out naming the state, and fails fast on exit', async () => {
    const paused = new FakeTarget({ state: { status: 'paused', running: false } });
    await expect(waitFor(running(), paused, { timeoutMs: 400 })).rejects.toThrow('last: container is paused');
    const dead = new FakeTarget();
    dead.exit(137, true);
    const error = (await waitFor(running(), dead).catch((e: unknown) => e)) as ContainerExitedError;
    expect(error.summary).toBe('container was OOM-killed while waiting for container running');
    expect(error.details.oomKilled).toBe(true);
  });
});
