import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AbortError, ContainerNotRunningError, ModuleError } from '../../errors.js';
import { SlotPool } from './slot-pool.js';

function fakeOps(options: { failOn?: string } = {}) {
  const created: string[] = [];
  const dropped: string[] = [];
  return {
    created,
    dropped,
    ops: {
      async create(name: string) {
        await sleep(5);
        if (name === options.failOn) throw new Error('vhost limit reached');
        created.push(name);
      },
      async drop(name: string) {
        await sleep(1);
        dropped.push(name);
      },
    },
  };
}

const base = { size: 2, concurrency: 2, prefix: 'v_', noun: 'vhost', owner: 'rabbitmq container mq' };

describe('SlotPool', () => {
  it('keeps `size` ready, hands each name to one caller, drops released ones', async () => {
    const { ops, created, dropped } = fakeOps();
    const pool = new SlotPool(ops, base);
    pool.warm();
    await sleep(30);
    expect(pool.readyCount).toBe(2);
    const names = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]);
    expect(new Set(names).size).toBe(4);
    expect(pool.leased).toHaveLength(4);
    await pool.release(names[0] as string);
    await pool.release(names[0] as string);
    expect(dropped).toEqual([names[0]]);
    await pool.close();
    expect(created.length).toBeGreaterThanOrEqual(4);
  });

  it('reports a failed create to the waiting callers and pauses; the next request tries again', async () => {
    const { ops } = fakeOps({ failOn: 'v_1' });
    const pool = new SlotPool(ops, { ...base, size: 0, concurrency: 1 });
    const error = await pool.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).summary).toBe('creating vhost v_1 failed: vhost limit reached');
    expect((error as ModuleError).hint).toContain('rabbitmq container mq');
    expect(await pool.acquire()).toBe('v_2');
    await pool.close();
  });

  it('aborts a waiting request, and refuses requests after close', async () => {
    const { ops } = fakeOps();
    const pool = new SlotPool(ops, { ...base, size: 0 });
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await pool.close();
    await expect(pool.acquire()).rejects.toBeInstanceOf(ContainerNotRunningError);
  });
});
