import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ContainerExitedError, InvalidSpecError, WaitFailedError, WaitTimeoutError } from '../errors.js';
import { all, any, sequence } from './composite.js';
import { exit } from './exit.js';
import { FakeTarget, later, procNetTcp, waitFor } from './fake-target.js';
import { log } from './log.js';
import { ports } from './ports.js';
import type { WaitStrategy } from './strategy.js';

/** Records whether it ran and whether its signal fired; ready after `ms` (never when undefined). */
function probe(name: string, ms?: number): WaitStrategy & { cancelled: () => boolean; started: () => boolean } {
  let cancelled = false;
  let started = false;
  return {
    description: name,
    cancelled: () => cancelled,
    started: () => started,
    async wait(_target, { signal }) {
      started = true;
      signal.addEventListener('abort', () => {
        cancelled = true;
      });
      await sleep(ms ?? 60_000, undefined, { signal });
    },
  };
}

const failing: WaitStrategy = {
  description: 'broken',
  wait: async () => {
    throw new WaitFailedError('broken for good');
  },
};

describe('wait.all', () => {
  it('describes its children', () => {
    expect(all([log(/x/), ports({ ports: [5432] })]).description).toBe('all of (log line /x/, ports 5432/tcp)');
    expect(() => all([])).toThrow(InvalidSpecError);
  });

  it('resolves when every child is ready', async () => {
    const target = new FakeTarget({ ports: [{ port: 5432 }], procNet: procNetTcp([]) });
    const waiting = waitFor(all([log('ready'), ports()]), target);
    await later(10, () => target.log('ready'));
    await later(20, () => {
      target.procNet = procNetTcp([5432]);
    });
    await expect(waiting).resolves.toBeUndefined();
  });

  it('fails as soon as one child fails and stops the others', async () => {
    const slow = probe('slow');
    const started = performance.now();
    await expect(waitFor(all([slow, failing]), new FakeTarget(), { timeoutMs: 5000 })).rejects.toThrow('broken for good');
    // Far below the 5 s timeout: it did not wait for it.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(slow.cancelled()).toBe(true);
  });

  it('bounds a child by its own or the default child timeout, naming it', async () => {
    const error = await waitFor(all([probe('fast', 5), probe('stuck')], { childTimeoutMs: 30 }), new FakeTarget(), {
      timeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).summary).toMatch(/^timed out after 30 ms waiting for stuck/);
    const own = { ...probe('own'), timeoutMs: 20 };
    await expect(waitFor(all([own]), new FakeTarget())).rejects.toThrow('timed out after 20 ms waiting for own');
  });

  it('has an overall deadline whose error names the child that was not ready', async () => {
    const target = new FakeTarget({ ports: [{ port: 80 }], procNet: procNetTcp([]) });
    target.log('ready');
    const error = await waitFor(all([log('ready'), ports()], { timeoutMs: 400 }), target, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect((error as WaitTimeoutError).summary).toMatch(
      /^timed out after 400 ms waiting for all of \(log line "ready", all exposed TCP ports\) \(\d+ attempts, last: all exposed TCP ports: not listening yet/,
    );
  });

  it('expects an exit when a child does', async () => {
    expect(all([exit(), log('done')]).expectsExit).toBe(true);
    expect(all([log('done')]).expectsExit).toBe(false);
  });

  it('fails fast on container exit like any strategy', async () => {
    const target = new FakeTarget();
    void later(10, () => target.exit(1));
    const error = await waitFor(all([probe('a'), probe('b')]), target, { timeoutMs: 5000, exited: target.exited }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerExitedError);
  });
});

describe('wait.any', () => {
  it('resolves with the first ready child and cancels the losers', async () => {
    const winner = probe('winner', 10);
    const loser = probe('loser');
    await waitFor(any([loser, winner]), new FakeTarget());
    expect(loser.cancelled()).toBe(true);
    expect(any([winner, loser]).description).toBe('any of (winner, loser)');
  });

  it('keeps waiting when one alternative fails, and fails when all do', async () => {
    await expect(waitFor(any([failing, probe('ok', 10)]), new FakeTarget())).resolves.toBeUndefined();
    const error = await waitFor(any([failing, { ...probe('late'), timeoutMs: 10 }]), new FakeTarget()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toBe(
      'none of the alternatives can become ready: broken: broken for good; late: timed out after 10 ms waiting for late (0 attempts)',
    );
  });

  it('is cancelled by the caller like any strategy', async () => {
    const a = probe('a');
    const controller = new AbortController();
    const waiting = waitFor(any([a, probe('b')]), new FakeTarget(), { signal: controller.signal });
    await later(10, () => controller.abort());
    await expect(waiting).rejects.toThrow('wait for any of (a, b) was aborted');
    expect(a.cancelled()).toBe(true);
  });
});

describe('sequence', () => {
  it('describes its children in order', () => {
    expect(sequence([log(/x/), ports({ ports: [5432] })]).description).toBe('log line /x/, then ports 5432/tcp');
    expect(() => sequence([])).toThrow(InvalidSpecError);
  });

  it('starts a child only when the one before it is ready, and checks it at once then', async () => {
    const target = new FakeTarget({ ports: [{ port: 5432 }], procNet: procNetTcp([5432]) });
    let reads = 0;
    const readProcNet = target.readProcNet.bind(target);
    target.readProcNet = async (signal) => {
      reads += 1;
      return readProcNet(signal);
    };
    const waiting = waitFor(sequence([log('ready'), ports()]), target);
    await sleep(40);
    expect(reads).toBe(0);
    const lineAt = performance.now();
    target.log('ready');
    await waiting;
    expect(reads).toBe(1);
    expect(performance.now() - lineAt).toBeLessThan(1_000);
  });

  it('fails with the first child that fails, and never runs the ones after it', async () => {
    const after = probe('after', 0);
    const waiting = waitFor(sequence([failing, after]), new FakeTarget());
    await expect(waiting).rejects.toThrow(/broken for good/);
    expect(after.started()).toBe(false);
  });

  it('names the child that was not ready when the deadline passes', async () => {
    const target = new FakeTarget({ ports: [{ port: 5432 }], procNet: procNetTcp([]) });
    target.log('ready');
    const error = await waitFor(sequence([log('ready'), ports()]), target, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('last: all exposed TCP ports: not listening yet');
  });
});
