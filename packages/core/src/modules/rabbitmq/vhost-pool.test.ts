// The wiring of rabbitmq vhosts onto the shared pool, over a fake VhostAdmin (pure logic; the real
// broker is in test/engine/rabbitmq.test.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ModuleError, PoolTimeoutError } from '../../errors.js';
import { vhostPool } from './vhost-pool.js';
import type { VhostAdmin } from './vhosts.js';

interface FakeAdmin extends VhostAdmin {
  created: { name: string; user: string }[];
  deleted: string[];
  /** Deletes that were abandoned through their signal. */
  abandoned: string[];
}

function fakeAdmin(behaviour: { createMs?: number; deleteMs?: number; failCreate?: string; failDeletes?: number } = {}): FakeAdmin {
  let deleteFailures = behaviour.failDeletes ?? 0;
  const admin: FakeAdmin = {
    created: [],
    deleted: [],
    abandoned: [],
    async createVhost(name, user, signal) {
      await sleep(behaviour.createMs ?? 1, undefined, { signal });
      if (name === behaviour.failCreate) throw new ModuleError('management API PUT /api/vhosts/x answered 500: boom');
      admin.created.push({ name, user });
    },
    async deleteVhost(name, signal) {
      try {
        await sleep(behaviour.deleteMs ?? 1, undefined, { signal });
      } catch (error) {
        admin.abandoned.push(name);
        throw error;
      }
      if (deleteFailures > 0) {
        deleteFailures -= 1;
        throw new ModuleError('management API DELETE answered 503');
      }
      admin.deleted.push(name);
    },
    close() {},
  };
  return admin;
}

const sizing = { poolSize: 2, poolConcurrency: 2, acquireTimeoutMs: 5_000, releaseGraceMs: 0 };
const plan = { service: 'fresh vhosts of rabbitmq container mq', user: 'app', prefix: 'berth_vhost_' };

describe('vhostPool', () => {
  it('makes prefix + counter vhosts for the user, never hands a name out twice, deletes released ones in the background', async () => {
    const admin = fakeAdmin({ deleteMs: 30 });
    const pool = vhostPool(admin, sizing, plan);
    pool.warm();
    const names = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(/^berth_vhost_\d+$/);
    expect(admin.created.every((c) => c.user === 'app')).toBe(true);

    const first = names[0] as string;
    pool.release(first);
    pool.release(first); // idempotent
    expect(admin.deleted).toEqual([]); // returned before the delete ran
    await expect.poll(() => admin.deleted).toEqual([first]);

    const next = await pool.acquire();
    expect(names).not.toContain(next); // a deleted vhost's name does not come back
    await pool.close();
  });

  it('a failed create fails the waiting request with a ModuleError naming the vhost and the service', async () => {
    const admin = fakeAdmin({ failCreate: 'berth_vhost_1' });
    const pool = vhostPool(admin, { ...sizing, poolSize: 0, poolConcurrency: 1 }, plan);
    const error = await pool.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).summary).toBe(
      'could not make a fresh slot of fresh vhosts of rabbitmq container mq: creating vhost berth_vhost_1 failed: management API PUT /api/vhosts/x answered 500: boom',
    );
    expect((error as ModuleError).hint).toMatch(/still running/);
    expect(await pool.acquire()).toBe('berth_vhost_2'); // the next request tries again
    await pool.close();
  });

  it('a request that creation cannot serve within acquireTimeoutMs fails with a PoolTimeoutError naming the service', async () => {
    const admin = fakeAdmin({ createMs: 10_000 });
    const pool = vhostPool(admin, { poolSize: 0, poolConcurrency: 1, acquireTimeoutMs: 50, releaseGraceMs: 0 }, plan);
    const began = performance.now();
    const error = await pool.acquire().catch((e: unknown) => e);
    expect(performance.now() - began).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error).toMatchObject({ code: 'BERTH_POOL_TIMEOUT', details: { service: plan.service, pool: { creating: 1, leased: 0 } } });
    expect((error as PoolTimeoutError).summary).toMatch(/^no slot of fresh vhosts of rabbitmq container mq within 50 ms/);
    await pool.close(); // abandons the stalled create through its signal
  });

  it('a delete that fails twice retires the vhost and a new one replaces it', async () => {
    const admin = fakeAdmin({ failDeletes: 2 });
    const pool = vhostPool(admin, { ...sizing, poolSize: 1, poolConcurrency: 1 }, plan);
    const name = await pool.acquire();
    pool.release(name);
    await expect.poll(() => pool.stats().retired).toBe(1);
    expect(pool.stats().failures.join('\n')).toContain(`resetting vhost ${name} failed (attempt 2 of 2)`);
    expect(admin.deleted).toEqual([]);
    expect(await pool.acquire()).not.toBe(name);
    await pool.close();
  });

  it('close() abandons deletes still running instead of waiting out their timeout', async () => {
    const admin = fakeAdmin({ deleteMs: 60_000 });
    const pool = vhostPool(admin, { ...sizing, poolSize: 0 }, plan);
    const name = await pool.acquire();
    pool.release(name);
    await sleep(5);
    const began = performance.now();
    await pool.close();
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(admin.abandoned).toEqual([name]);
  });

  it('keeps poolSize ready, at most poolConcurrency made at once, and bounds what exists', async () => {
    const admin = fakeAdmin({ createMs: 5 });
    const pool = vhostPool(admin, { poolSize: 3, poolConcurrency: 1, acquireTimeoutMs: 5_000, releaseGraceMs: 0 }, plan);
    pool.warm();
    expect(pool.stats()).toMatchObject({ creating: 1, max: 64 });
    await expect.poll(() => pool.stats().ready).toBe(3);
    await pool.close();
    expect(vhostPool(admin, { ...sizing, poolSize: 40 }, plan).stats().max).toBe(80);
  });
});
