import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { AbortError, ContainerExitedError, WaitAttemptError, WaitFailedError, WaitTimeoutError } from '../errors.js';
import { poll } from './backoff.js';
import { FakeTarget, later, waitFor } from './fake-target.js';
import type { WaitStrategy } from './strategy.js';

/** Never ready; reports "not yet (n)" on each check. */
const never: WaitStrategy = {
  description: 'the moon',
  async wait(_target, context) {
    let n = 0;
    await poll(context, async () => {
      n += 1;
      throw new WaitAttemptError(`not yet (${n})`);
    });
  },
};

function readyAfter(ms: number): WaitStrategy {
  return { description: `ready after ${ms} ms`, wait: (_t, { signal }) => sleep(ms, undefined, { signal }) };
}

describe('runWait', () => {
  it('resolves when the strategy sees readiness', async () => {
    await expect(waitFor(readyAfter(10), new FakeTarget())).resolves.toBeUndefined();
  });

  it('times out naming the strategy, the attempts and the last error', async () => {
    const target = new FakeTarget();
    target.log('booting');
    const error = await waitFor(never, target, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const timeout = error as WaitTimeoutError;
    expect(timeout.summary).toMatch(/^timed out after 400 ms waiting for the moon \(\d+ attempts, last: not yet \(\d+\)\)$/);
    expect(timeout.cause).toBeInstanceOf(WaitAttemptError);
    expect(timeout.details.attempts).toBeGreaterThan(1);
    expect(timeout.details.logTail).toEqual(['booting']);
    expect(timeout.message).toContain('| booting');
  });

  it('scales the timeout by BERTH_TIMEOUT_SCALE and lets the strategy override it', async () => {
    const config = readConfig({ BERTH_TIMEOUT_SCALE: '2' });
    const scaled = waitFor(never, new FakeTarget(), { timeoutMs: 30, config });
    await expect(scaled).rejects.toThrow('timed out after 60 ms');
    const own = waitFor({ ...never, timeoutMs: 20 }, new FakeTarget(), { timeoutMs: 5000 });
    await expect(own).rejects.toThrow('timed out after 20 ms');
  });

  it("takes a caller's deadline as already scaled; a strategy's own time still wins", async () => {
    const config = readConfig({ BERTH_TIMEOUT_SCALE: '10' });
    const error = await waitFor(never, new FakeTarget(), { deadline: performance.now() + 50, config }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    // The budget is what was left of the deadline (≤ 50 ms), not 10 × that: the scale is not applied twice.
    const budget = Number(/timed out after ([\d.]+) ms/.exec((error as WaitTimeoutError).summary)?.[1]);
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThanOrEqual(50);
    const own = waitFor({ ...never, timeoutMs: 20 }, new FakeTarget(), { deadline: performance.now() + 5000, config });
    await expect(own).rejects.toThrow('timed out after 200 ms');
  });

  it('fails fast when the container exits, with exit code and the last 50 log lines', async () => {
    const target = new FakeTarget();
    for (let i = 1; i <= 60; i++) target.log(`line ${i}`);
    const started = performance.now();
    void later(20, () => target.exit(3));
    const error = (await waitFor(never, target, { timeoutMs: 5000, exited: target.exited }).catch(
      (e: unknown) => e,
    )) as ContainerExitedError;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(ContainerExitedError);
    expect(error.summary).toBe('container exited with code 3 while waiting for the moon');
    expect(error.details.exitCode).toBe(3);
    expect(error.details.logTail).toHaveLength(50);
    expect(error.details.logTail?.[0]).toBe('line 11');
    expect(error.details.logTail?.at(-1)).toBe('line 60');
  });

  it("waits briefly for the log stream to end so the tail holds the container's last words", async () => {
    const target = new FakeTarget();
    const exited = sleep(10).then(() => ({ exitCode: 1, oomKilled: false }));
    void later(40, () => {
      target.log('panic: late last words');
      target.exit(1);
    });
    const error = (await waitFor(never, target, { exited }).catch((e: unknown) => e)) as ContainerExitedError;
    expect(error.details.logTail).toEqual(['panic: late last words']);
  });

  it('a strategy that fails because the container exited under it (its ports gone) reports the exit', async () => {
    // Under load the strategy's next look came before the engine's exit notice: the published port
    // had vanished with the container, and the error said PortNotExposedError instead of the exit.
    const target = new FakeTarget();
    target.setState({ status: 'exited', running: false, exitCode: 1 });
    const exited = sleep(30).then(() => ({ exitCode: 1, oomKilled: false }));
    const lookAtPort: WaitStrategy = { description: 'port 8222', wait: async (t) => void t.mappedPort(8222) };
    const error = (await waitFor(lookAtPort, target, { timeoutMs: 5000, exited }).catch((e: unknown) => e)) as ContainerExitedError;
    expect(error).toBeInstanceOf(ContainerExitedError);
    expect(error.summary).toBe('container exited with code 1 while waiting for port 8222');
  });

  it('a strategy that fails while the container runs keeps its own error', async () => {
    const lookAtPort: WaitStrategy = { description: 'port 8222', wait: async (t) => void t.mappedPort(8222) };
    const error = await waitFor(lookAtPort, new FakeTarget(), { timeoutMs: 5000, exited: new Promise(() => {}) }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ContainerExitedError);
    expect(String(error)).toContain('port 8222/tcp is not published');
  });

  it('reports an OOM kill', async () => {
    const target = new FakeTarget();
    target.exit(137, true);
    const error = (await waitFor(never, target, { exited: target.exited }).catch((e: unknown) => e)) as ContainerExitedError;
    expect(error.summary).toContain('was OOM-killed');
    expect(error.details.oomKilled).toBe(true);
    expect(error.hint).toMatch(/memory/);
  });

  it('does not treat an exit as failure when the strategy expects one', async () => {
    const exited = Promise.resolve({ exitCode: 0, oomKilled: false });
    await expect(waitFor({ ...readyAfter(20), expectsExit: true }, new FakeTarget(), { exited })).resolves.toBeUndefined();
  });

  it('throws AbortError when the caller aborts, before or during the wait', async () => {
    const controller = new AbortController();
    const waiting = waitFor(never, new FakeTarget(), { timeoutMs: 5000, signal: controller.signal });
    await sleep(10);
    controller.abort(new Error('test ended'));
    const error = (await waiting.catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.summary).toBe('wait for the moon was aborted');
    expect((error.cause as Error).message).toBe('test ended');
    await expect(waitFor(never, new FakeTarget(), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });

  it('stops on time even when a strategy ignores the signal', async () => {
    const deaf: WaitStrategy = { description: 'deaf', wait: () => new Promise<void>(() => {}) };
    const started = performance.now();
    await expect(waitFor(deaf, new FakeTarget(), { timeoutMs: 30 })).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("adds the wait's context to a strategy's own failure", async () => {
    const target = new FakeTarget();
    target.log('fatal: bad config');
    const failing: WaitStrategy = {
      description: 'doomed',
      wait: async () => {
        throw new WaitFailedError('it cannot work', { hint: 'fix it' });
      },
    };
    const error = (await waitFor(failing, target).catch((e: unknown) => e)) as WaitFailedError;
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.summary).toBe('it cannot work');
    expect(error.hint).toBe('fix it');
    expect(error.details).toMatchObject({ phase: 'wait', containerId: target.id, logTail: ['fatal: bad config'] });
  });

  it('wraps an unexpected error in a WaitFailedError with it as cause', async () => {
    const boom = new TypeError('x is undefined');
    const buggy: WaitStrategy = {
      description: 'buggy',
      wait: async () => {
        throw boom;
      },
    };
    const error = (await waitFor(buggy, new FakeTarget()).catch((e: unknown) => e)) as WaitFailedError;
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.summary).toBe('waiting for buggy failed: x is undefined');
    expect(error.cause).toBe(boom);
  });
  it('leaves no timer behind, whichever way the wait ends', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await waitFor(readyAfter(5), new FakeTarget(), { timeoutMs: 5000 });
    await waitFor(never, new FakeTarget(), { timeoutMs: 20 }).catch(() => {});
    const stopped = new FakeTarget();
    stopped.exit(1);
    await waitFor(never, stopped, { exited: stopped.exited }).catch(() => {});
    await waitFor(never, new FakeTarget(), { signal: AbortSignal.abort() }).catch(() => {});
    await sleep(0);
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
