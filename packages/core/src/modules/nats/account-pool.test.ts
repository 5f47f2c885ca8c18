import { describe, expect, it } from 'vitest';
import { ContainerNotRunningError, type ModuleError } from '../../errors.js';
import { AccountPool } from './account-pool.js';

describe('AccountPool', () => {
  it('hands each account to one holder, recycles before handing on, serves waiters in order', async () => {
    const recycled: number[] = [];
    const pool = new AccountPool(2, async (i) => void recycled.push(i), 'nats container bus');
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    expect(new Set([a, b]).size).toBe(2);
    const third = pool.acquire();
    await Promise.all([pool.release(a), pool.release(a)]); // one recycling for both calls
    expect(await third).toBe(a);
    expect(recycled).toEqual([a]);
    await pool.close();
    await expect(pool.acquire()).rejects.toBeInstanceOf(ContainerNotRunningError);
  });

  it('takes an account whose recycling failed out of rotation, and says when none is left', async () => {
    const pool = new AccountPool(
      1,
      async () => {
        throw new Error('reload failed');
      },
      'nats container bus',
    );
    const index = await pool.acquire();
    const error = await pool.release(index).catch((e: unknown) => e);
    expect((error as ModuleError).summary).toBe('recycling nats account 1 failed: reload failed');
    await expect(pool.acquire()).rejects.toThrow('no nats lease account is left');
  });
});
