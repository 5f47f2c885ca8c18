import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { AdminConnection } from './admin.js';
import { adminConnectionOptions, freshDatabasePool } from './fresh-pool.js';

/** An admin connection whose clones take 20 ms and which counts how many ran at once. */
function fakeAdmin(version: number) {
  let running = 0;
  let most = 0;
  const widened: number[] = [];
  const admin = {
    serverVersion: async () => version,
    widen: (connections: number) => widened.push(connections),
    createDatabase: async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(20);
      running -= 1;
    },
    dropDatabase: async () => undefined,
    warmUp: async () => undefined,
    redoAfterRestart: <T>(work: () => Promise<T>) => work(),
  };
  return { admin: admin as unknown as AdminConnection, widened, most: () => most };
}

const sizing = { cloneStrategy: 'file_copy' as const, poolSize: 40, acquireTimeoutMs: 5_000, connectTimeoutMs: 1_000, releaseGraceMs: 0 };
const plan = { service: 'fresh databases of test', template: () => Promise.resolve(), templateName: 'tpl', prefix: 'f_' };

describe('freshDatabasePool sizing', () => {
  it('runs 32 clones at once on a server before 12 when poolConcurrency is not given, 4 otherwise', async () => {
    for (const [version, expected] of [
      [100023, 32],
      [150004, 4],
    ] as const) {
      const fake = fakeAdmin(version);
      const pool = freshDatabasePool(fake.admin, { ...sizing, poolConcurrency: undefined }, plan);
      pool.warm();
      await expect.poll(() => pool.stats().ready).toBe(40);
      expect(fake.most()).toBe(expected);
      expect(fake.widened).toEqual(expected === 32 ? [33] : []);
      await pool.close();
    }
  });

  it('keeps the poolConcurrency it was given, whatever the server', async () => {
    const fake = fakeAdmin(100023);
    const pool = freshDatabasePool(fake.admin, { ...sizing, poolConcurrency: 2 }, plan);
    pool.warm();
    await expect.poll(() => pool.stats().ready).toBe(40);
    expect(fake.most()).toBe(2);
    expect(fake.widened).toEqual([]);
    await pool.close();
  });

  it('sizes the admin connections for the clones it may run', () => {
    expect(adminConnectionOptions({ ...sizing, poolConcurrency: undefined })).toMatchObject({ connections: 5, maxConnections: 33 });
    expect(adminConnectionOptions({ ...sizing, poolConcurrency: 8 })).toMatchObject({ connections: 9, maxConnections: 9 });
  });
});
