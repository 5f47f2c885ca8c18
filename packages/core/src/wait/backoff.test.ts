import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WaitAttemptError, WaitFailedError } from '../errors.js';
import { nextDelay, poll, tail, withTimeLimit } from './backoff.js';
import type { WaitContext } from './strategy.js';

function context(timeoutMs = 1000): WaitContext & { errors: unknown[]; controller: AbortController } {
  const controller = new AbortController();
  const errors: unknown[] = [];
  return {
    controller,
    errors,
    signal: controller.signal,
    deadline: performance.now() + timeoutMs,
    attempt: (error) => errors.push(error),
  };
}

describe('nextDelay', () => {
  it('starts at 10 ms and grows to at most 100 ms', () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let i = 0; i < 9; i++) {
      delay = nextDelay(delay);
      delays.push(delay);
    }
    expect(delays).toEqual([10, 15, 23, 35, 53, 80, 100, 100, 100]);
  });
});

describe('poll', () => {
  // How soon readiness is seen is the delay poll sleeps before the next check, plus whatever the
  // machine adds to every timer. The second part is not ours (and large on a loaded CI runner), so
  // this asserts the first: the sleep before the check that saw readiness was short.
  it.each([
    { readyAfter: 5, maxSleep: 10 },
    { readyAfter: 12, maxSleep: 15 },
    { readyAfter: 30, maxSleep: 23 },
  ])('sees readiness $readyAfter ms in after a sleep of at most $maxSleep ms', async ({ readyAfter, maxSleep }) => {
    const readyAt = performance.now() + readyAfter;
    let checks = 0;
    const seenBy = await poll(context(), async () => {
      checks += 1;
      if (performance.now() < readyAt) throw new WaitAttemptError('not yet');
      return checks;
    });
    // Check n comes after the (n-1)th delay of the schedule; a slow machine only makes n smaller.
    let delay: number | undefined;
    for (let i = 1; i < seenBy; i++) delay = nextDelay(delay);
    expect(delay ?? 0).toBeLessThanOrEqual(maxSleep);
  });

  it('records each "not yet" as an attempt and returns the value', async () => {
    const ctx = context();
    let calls = 0;
    const value = await poll(ctx, async () => {
      calls += 1;
      if (calls < 3) throw new Error(`no ${calls}`);
      return 'ok';
    });
    expect(value).toBe('ok');
    expect(ctx.errors.map((e) => (e as Error | undefined)?.message)).toEqual(['no 1', 'no 2', undefined]);
  });

  it('stops at once on a terminal error', async () => {
    const ctx = context();
    let calls = 0;
    const failing = poll(ctx, async () => {
      calls += 1;
      throw new WaitFailedError('never');
    });
    await expect(failing).rejects.toBeInstanceOf(WaitFailedError);
    expect(calls).toBe(1);
  });

  it('stops with the signal reason when aborted mid-sleep', async () => {
    const ctx = context();
    const polling = poll(ctx, async () => {
      throw new WaitAttemptError('not yet');
    });
    await sleep(20);
    const reason = new Error('stop');
    ctx.controller.abort(reason);
    await expect(polling).rejects.toBe(reason);
  });
});

describe('withTimeLimit', () => {
  it('aborts slow work with a WaitAttemptError naming it', async () => {
    const work = withTimeLimit(new AbortController().signal, 20, 'GET /', (signal) => sleep(1000, undefined, { signal }));
    await expect(work).rejects.toThrow('GET /: no answer within 20 ms');
  });

  it('passes the result of fast work through', async () => {
    await expect(withTimeLimit(new AbortController().signal, 1000, 'x', async () => 42)).resolves.toBe(42);
  });
});

describe('tail', () => {
  it('keeps the last lines and characters', () => {
    expect(tail('a\nb\nc\nd\ne\nf\n', 2)).toBe('e\nf');
    expect(tail('x'.repeat(50), 5, 10)).toBe(`…${'x'.repeat(10)}`);
  });
});
