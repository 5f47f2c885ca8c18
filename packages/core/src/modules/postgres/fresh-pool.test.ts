import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AbortError, ContainerNotRunningError, ModuleError } from '../../errors.js';
import { type DatabaseFactory, FreshDatabasePool } from './fresh-pool.js';

/** A factory whose databases are names in a set; creation takes `ms` and can be made to fail. */
class FakeFactory implements DatabaseFactory {
  readonly existing = new Set<string>();
  created = 0;
  running = 0;
  maxRunning = 0;
  failWith: Error | undefined;
  constructor(readonly ms = 5) {}
  async create(name: string): Promise<void> {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await sleep(this.ms);
      if (this.failWith) throw this.failWith;
      if (this.existing.has(name)) throw new Error(`database ${name} already exists`);
      this.existing.add(name);
      this.created += 1;
    } finally {
      this.running -= 1;
    }
  }
  async drop(name: string): Promise<void> {
    await sleep(1);
    this.existing.delete(name);
  }
}

function pool(factory: DatabaseFactory, size = 4, concurrency = 2) {
  return new FreshDatabasePool(factory, { size, concurrency, prefix: 'fresh_', owner: 'postgres container test' });
}

describe('FreshDatabasePool', () => {
  it('keeps `size` databases ready, creating at most `concurrency` at once', async () => {
    const factory = new FakeFactory();
    const p = pool(factory, 4, 2);
    p.warm();
    await sleep(60);
    expect(p.readyCount).toBe(4);
    expect(factory.maxRunning).toBe(2);
    await p.close();
  });

  it('hands every one of many concurrent callers a different database', async () => {
    const factory = new FakeFactory(3);
    const p = pool(factory, 4, 3);
    p.warm();
    const names = await Promise.all(Array.from({ length: 20 }, () => p.acquire()));
    expect(new Set(names).size).toBe(20);
    for (const name of names) expect(factory.existing.has(name)).toBe(true);
    expect(p.leased).toHaveLength(20);
    await p.close();
  });

  it('drops on release; releasing twice or an unknown name is fine', async () => {
    const factory = new FakeFactory();
    const p = pool(factory, 0, 1);
    const name = await p.acquire();
    await Promise.all([p.release(name), p.release(name)]);
    await p.release(name);
    await p.release('not-ours');
    expect(factory.existing.has(name)).toBe(false);
    expect(p.leased).toEqual([]);
    await p.close();
  });

  it('refills after a request', async () => {
    const factory = new FakeFactory();
    const p = pool(factory, 2, 2);
    p.warm();
    await sleep(30);
    await p.acquire();
    await sleep(30);
    expect(p.readyCount).toBe(2);
    await p.close();
  });

  it('reports a failed clone to the waiting callers and stops refilling until asked again', async () => {
    const factory = new FakeFactory();
    factory.failWith = new Error('connection refused');
    const p = pool(factory, 4, 2);
    const error = await p.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toContain('connection refused');
    await sleep(30);
    expect(factory.running).toBe(0);
    factory.failWith = undefined;
    await expect(p.acquire()).resolves.toMatch(/^fresh_\d+$/);
    await p.close();
  });

  it('gives up a waiting request on abort', async () => {
    const p = pool(new FakeFactory(50), 0, 1);
    const controller = new AbortController();
    const waiting = p.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await p.close();
  });

  it('after close: waiting and new requests fail with ContainerNotRunningError', async () => {
    const p = pool(new FakeFactory(50), 0, 1);
    const waiting = p.acquire();
    const closed = p.close();
    await expect(waiting).rejects.toBeInstanceOf(ContainerNotRunningError);
    await closed;
    const error = await p.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerNotRunningError);
    expect((error as Error).message).toContain('postgres container test was stopped');
  });
});
