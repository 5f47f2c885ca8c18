import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerNotRunningError, ModuleError, PoolTimeoutError } from '../../errors.js';
import type { IsolationPool } from '../../services/pool.js';
import { natsAccountPool } from './account-slots.js';

const pools: IsolationPool<number>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** A pool over `count` accounts whose recycling the test scripts; `recycled` lists what was recycled. */
function accounts(count: number, recycle: (index: number) => Promise<void> = async () => {}, acquireTimeoutMs = 200) {
  const recycled: number[] = [];
  const pool = natsAccountPool({
    service: 'lease accounts of nats container bus',
    count,
    acquireTimeoutMs,
    recycle: async (index) => {
      recycled.push(index);
      await recycle(index);
    },
  });
  pools.push(pool);
  pool.warm();
  return { pool, recycled };
}

describe('natsAccountPool', () => {
  it('hands out every account once, then a released one only after its recycling', async () => {
    let finish: () => void = () => {};
    const { pool, recycled } = accounts(2, () => new Promise<void>((resolve) => (finish = resolve)));
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    expect([a, b].sort()).toEqual([0, 1]);
    const third = pool.acquire();
    pool.release(a); // returns at once; the recycling runs in the background
    pool.release(a); // idempotent
    await sleep(20);
    expect(recycled).toEqual([a]);
    expect(pool.stats()).toMatchObject({ leased: 1, recycling: 1, waiting: 1 });
    finish();
    expect(await third).toBe(a);
  });

  it('fails a request with PoolTimeoutError when every account is handed out, and serves the next after a release', async () => {
    const { pool } = accounts(2);
    const held = [await pool.acquire(), await pool.acquire()];
    const began = performance.now();
    const error = await pool.acquire().catch((e: unknown) => e);
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect((error as PoolTimeoutError).code).toBe('BERTH_POOL_TIMEOUT');
    expect((error as PoolTimeoutError).summary).toContain('no slot of lease accounts of nats container bus within 200 ms');
    expect((error as PoolTimeoutError).summary).toContain('pool of at most 2: 0 ready, 2 handed out');
    expect((error as PoolTimeoutError).hint).toContain('every slot is handed out');
    pool.release(held[0] as number);
    expect(await pool.acquire()).toBe(held[0]);
  });

  it('takes an account whose recycling failed twice out of rotation and says so when no other is left', async () => {
    const { pool, recycled } = accounts(2, async (index) => {
      if (index === 0) throw new Error('reload failed');
    });
    const [first, second] = [await pool.acquire(), await pool.acquire()];
    expect([first, second]).toEqual([0, 1]);
    pool.release(0);
    await expect.poll(() => pool.stats().retired).toBe(1);
    expect(recycled).toEqual([0, 0]);
    expect(pool.stats().failures).toEqual(
      expect.arrayContaining([
        'resetting nats account 1 failed (attempt 1 of 2): reload failed',
        'resetting nats account 1 failed (attempt 2 of 2): reload failed',
      ]),
    );
    // Only an account out of rotation makes the pool ask for one more: there is none to make.
    const error = await pool.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).summary).toBe(
      'could not make a fresh slot of lease accounts of nats container bus: no nats lease account is left to hand out: 1 of 2 are out of rotation after failed recycling, every other one is handed out or being recycled',
    );
    // The module's own hint, once, not the pool's generic question.
    expect((error as ModuleError).hint).toMatch(/restart the service to get every account back$/);
    expect((error as ModuleError).message.match(/hint/g)).toHaveLength(1);
    // Account 2 still goes round.
    pool.release(1);
    await expect.poll(() => pool.stats().ready).toBe(1);
    expect(await pool.acquire()).toBe(1);
  });

  it('refuses requests once closed', async () => {
    const { pool } = accounts(1);
    await pool.close();
    await expect(pool.acquire()).rejects.toBeInstanceOf(ContainerNotRunningError);
  });
});
