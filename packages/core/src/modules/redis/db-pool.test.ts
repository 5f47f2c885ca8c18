import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AbortError, ContainerNotRunningError, ModuleError } from '../../errors.js';
import { LogicalDbPool } from './db-pool.js';

function pool(dbs = [1, 2, 3], flush: (db: number) => Promise<void> = async () => undefined) {
  return new LogicalDbPool({ dbs, flush, owner: 'redis container test' });
}

describe('LogicalDbPool', () => {
  it('hands out each database once', async () => {
    const p = pool([1, 2, 3]);
    const dbs = await Promise.all([p.acquire(), p.acquire(), p.acquire()]);
    expect(dbs.sort()).toEqual([1, 2, 3]);
  });

  it('makes the next caller wait until a database is released and flushed', async () => {
    const flushed: number[] = [];
    const p = pool([1], async (db) => {
      await sleep(5);
      flushed.push(db);
    });
    const first = await p.acquire();
    let second: number | undefined;
    const waiting = p.acquire().then((db) => {
      second = db;
    });
    await sleep(20);
    expect(second).toBeUndefined();
    await p.release(first);
    await waiting;
    expect(second).toBe(1);
    expect(flushed).toEqual([1]);
  });

  it('release is idempotent', async () => {
    let flushes = 0;
    const p = pool([1], async () => {
      flushes += 1;
    });
    const db = await p.acquire();
    await Promise.all([p.release(db), p.release(db)]);
    await p.release(db);
    expect(flushes).toBe(1);
  });

  it('takes a database that failed to flush out of rotation', async () => {
    const p = pool([1, 2], async (db) => {
      if (db === 1) throw new Error('connection reset');
    });
    await p.acquire();
    await expect(p.release(1)).rejects.toBeInstanceOf(ModuleError);
    expect(await p.acquire()).toBe(2);
  });

  it('aborts a waiting request', async () => {
    const p = pool([1]);
    await p.acquire();
    const controller = new AbortController();
    const waiting = p.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
  });

  it('fails waiting and new requests after close', async () => {
    const p = pool([1]);
    await p.acquire();
    const waiting = p.acquire();
    await p.close();
    await expect(waiting).rejects.toBeInstanceOf(ContainerNotRunningError);
    await expect(p.acquire()).rejects.toThrow('redis container test was stopped');
  });
});
