import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerNotRunningError, ModuleError, PoolTimeoutError } from '../errors.js';
import { IsolationPool, type PoolOptions, type SlotOps } from './pool.js';

/** Slots are numbers; the test decides how creating and recycling behave. */
function fakeOps(behaviour: { recycle?: (slot: number) => Promise<'reuse' | 'gone'>; create?: () => Promise<void> } = {}) {
  let next = 0;
  const events: string[] = [];
  const ops: SlotOps<number> = {
    async create() {
      await behaviour.create?.();
      next += 1;
      events.push(`create ${next}`);
      return next;
    },
    async recycle(slot) {
      events.push(`recycle ${slot}`);
      return behaviour.recycle ? behaviour.recycle(slot) : 'gone';
    },
    async retire(slot) {
      events.push(`retire ${slot}`);
    },
    describe: (slot) => `slot ${slot}`,
  };
  return { ops, events };
}

/** Creates that take `ms` each, counting the most that ever ran at once. */
function slowCreates(ms: number) {
  let running = 0;
  let most = 0;
  const { ops } = fakeOps({
    create: async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(ms);
      running -= 1;
    },
  });
  return { ops, most: () => most };
}

const pools: IsolationPool<number>[] = [];
function pool(ops: SlotOps<number>, options: Partial<PoolOptions> = {}): IsolationPool<number> {
  const made = new IsolationPool(ops, { service: 'fake db', min: 2, max: 10, concurrency: 2, acquireTimeoutMs: 200, ...options });
  pools.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('IsolationPool', () => {
  it('keeps slots warm and hands each to one caller', async () => {
    const { ops } = fakeOps();
    const p = pool(ops);
    p.warm();
    await expect.poll(() => p.stats().ready).toBe(2);
    const got = await Promise.all([p.acquire(), p.acquire(), p.acquire()]);
    expect(new Set(got).size).toBe(3);
  });

  it('forgets ready slots the server lost (discardReady) and makes new ones', async () => {
    const { ops } = fakeOps();
    const p = pool(ops);
    p.warm();
    await expect.poll(() => p.stats().ready).toBe(2);
    expect(p.discardReady()).toEqual([1, 2]);
    await expect.poll(() => p.stats().ready).toBe(2);
    const got = await p.acquire();
    expect(got).toBeGreaterThan(2);
  });

  it('keeps four slots ready per worker, within max', async () => {
    const { ops } = fakeOps();
    const p = pool(ops, { min: 1, workers: 2 });
    p.warm();
    await expect.poll(() => p.stats().ready).toBe(8);
    const capped = pool(fakeOps().ops, { min: 1, workers: 4, max: 10 });
    capped.warm();
    await expect.poll(() => capped.stats().ready).toBe(10);
  });

  it('grows its warm target to the demand it saw', async () => {
    const { ops } = fakeOps();
    const p = pool(ops, { min: 2, concurrency: 4 });
    const held = await Promise.all([p.acquire(), p.acquire(), p.acquire()]);
    for (const slot of held) p.release(slot);
    await expect.poll(() => p.stats().ready).toBe(3);
    // Bounded: a burst of 10 keeps at most twice the base (4) ready.
    const burst = await Promise.all(Array.from({ length: 10 }, () => p.acquire()));
    for (const slot of burst) p.release(slot);
    await sleep(50);
    expect(p.stats().ready).toBe(4);
  });

  it('keeps twice what the request rate uses up while slow creates run, beyond twice its base', async () => {
    // Creates take 100 ms and run well side by side; 4 clients each ask again ~5 ms after a slot. Only
    // the rate term can put enough creates under way: the base (2) and the peak (capped at 4) could not.
    const creates = slowCreates(100);
    const p = pool(creates.ops, { min: 2, max: 64, concurrency: 32, acquireTimeoutMs: 5_000 });
    p.warm();
    const until = performance.now() + 800;
    const client = async () => {
      while (performance.now() < until) {
        p.release(await p.acquire());
        await sleep(5);
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    // Twice the base plus the 4 waiting clients is 8: what the peak alone would allow.
    expect(creates.most()).toBeGreaterThan(8);
  });

  it('gets enough slow creates under way in a run’s first moments, before any has finished', async () => {
    const creates = slowCreates(300);
    const p = pool(creates.ops, { min: 2, max: 64, concurrency: 32, acquireTimeoutMs: 5_000 });
    p.warm();
    const until = performance.now() + 250;
    const client = async () => {
      while (performance.now() < until) {
        await sleep(5);
        // Ask, and give up on the request at once: only the demand counts here.
        const ask = new AbortController();
        const asked = p.acquire(ask.signal).then(
          (slot) => p.release(slot),
          () => undefined,
        );
        ask.abort();
        await asked;
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    // No create has finished yet (each takes 300 ms); the base and the peak alone would allow 2 + 4.
    expect(creates.most()).toBeGreaterThan(8);
  });

  it('setConcurrency() lets more creates run at once from then on', async () => {
    const creates = slowCreates(30);
    const p = pool(creates.ops, { min: 8, max: 20, concurrency: 1 });
    p.warm();
    await sleep(10);
    expect(creates.most()).toBe(1);
    p.setConcurrency(6);
    await expect.poll(() => p.stats().ready).toBe(8);
    expect(creates.most()).toBe(6);
  });

  it('gives back at once: release returns before the slow reset is done', async () => {
    let finish: () => void = () => {};
    const { ops } = fakeOps({ recycle: () => new Promise((resolve) => (finish = () => resolve('reuse'))) });
    const p = pool(ops, { min: 0 });
    const slot = await p.acquire();
    expect(p.release(slot)).toBeUndefined();
    expect(p.stats()).toMatchObject({ leased: 0, recycling: 1 });
    finish();
    await expect.poll(() => p.stats().ready).toBe(1);
  });

  it('retries a failed reset once, then retires the slot and replaces it', async () => {
    const tries = new Map<number, number>();
    const { ops, events } = fakeOps({
      recycle: async (slot) => {
        tries.set(slot, (tries.get(slot) ?? 0) + 1);
        if (slot === 1) throw new Error('FLUSHDB refused');
        return 'reuse';
      },
    });
    const p = pool(ops, { min: 1, max: 1 });
    const first = await p.acquire();
    expect(first).toBe(1);
    p.release(first);
    // The pool is back to full strength with a new slot, and says what happened to the old one.
    expect(await p.acquire()).toBe(2);
    expect(tries.get(1)).toBe(2);
    expect(events).toContain('retire 1');
    expect(p.stats()).toMatchObject({ retired: 1 });
    expect(p.stats().failures.at(-1)).toMatch(/resetting slot 1 failed \(attempt 2 of 2\): FLUSHDB refused/);
  });

  it('a reset that succeeds on the second try keeps the slot', async () => {
    let failed = false;
    const { ops } = fakeOps({
      recycle: async () => {
        if (!failed) {
          failed = true;
          throw new Error('busy');
        }
        return 'reuse';
      },
    });
    const p = pool(ops, { min: 0, max: 1 });
    const slot = await p.acquire();
    p.release(slot);
    expect(await p.acquire()).toBe(slot);
    expect(p.stats().retired).toBe(0);
  });

  it('fails a request it cannot serve in time with a PoolTimeoutError that says why', async () => {
    const { ops } = fakeOps();
    const p = pool(ops, { min: 0, max: 2, acquireTimeoutMs: 100 });
    await p.acquire();
    await p.acquire();
    const error = await p.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error).toMatchObject({ code: 'BERTH_POOL_TIMEOUT', details: { service: 'fake db', pool: { max: 2, leased: 2 } } });
    expect((error as Error).message).toMatch(/no slot of fake db within 100 ms \(pool of at most 2: 0 ready, 2 handed out/);
    expect((error as PoolTimeoutError).hint).toMatch(/every slot is handed out/);
    expect(p.stats().waiting).toBe(0);
  });

  it('fails the waiting requests with the server’s error when a create fails, and tries again on the next request', async () => {
    let broken = true;
    const { ops } = fakeOps({
      create: async () => {
        if (broken) throw new Error('connection refused');
      },
    });
    const p = pool(ops, { min: 0 });
    const error = await p.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as Error).message).toMatch(/could not make a fresh slot of fake db: connection refused/);
    broken = false;
    await expect(p.acquire()).resolves.toBeTypeOf('number');
  });

  it('close() fails the waiters with the reason and refuses new requests', async () => {
    const { ops } = fakeOps({ create: () => sleep(1_000) });
    const p = pool(ops, { min: 0, acquireTimeoutMs: 5_000 });
    const waiting = p.acquire().catch((e: unknown) => e);
    await p.close();
    expect(await waiting).toBeInstanceOf(ContainerNotRunningError);
    await expect(p.acquire()).rejects.toBeInstanceOf(ContainerNotRunningError);
  });
});
