// Both modules the way the runner adapters use them: startServices() starts them in parallel, the
// hand-off is plain JSON, workers lease fresh databases through the broker, and stop() leaves nothing.
import { defineConfig } from '@berth/core';
import { acquireLease, releaseLease, startServices } from '@berth/core/adapter';
import { type PostgresDetails, postgres } from '@berth/core/postgres';
import { type RedisDetails, redis } from '@berth/core/redis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, labelled } from '../support/docker.js';

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('postgres() and redis() through startServices', () => {
  it('hands off JSON details and env, leases through the broker, and cleans up', async () => {
    const config = defineConfig({
      services: { db: postgres({ tuneForTests: true, poolSize: 2 }), cache: redis() },
      env: { DATABASE_URL: (s) => s.db.url, REDIS_URL: (s) => s.cache.url },
    });
    const services = await startServices(config);
    const names = [services.handoff.services.db.containerName, services.handoff.services.cache.containerName];
    try {
      const handoff = JSON.parse(JSON.stringify(services.handoff));
      expect(handoff).toEqual(services.handoff);
      expect(handoff.env).toEqual({ DATABASE_URL: handoff.services.db.url, REDIS_URL: handoff.services.cache.url });
      expect(handoff.broker).toBeDefined();

      // As a worker would: only the broker address in hand.
      const [a, b] = await Promise.all([
        acquireLease<{ id: string; details: PostgresDetails }>(handoff.broker, 'db'),
        acquireLease<{ id: string; details: PostgresDetails }>(handoff.broker, 'db'),
      ]);
      expect(a.id).not.toBe(b.id);
      const client = new pg.Client({ connectionString: a.details.url, connectionTimeoutMillis: 30_000 });
      await client.connect();
      expect((await client.query('SELECT current_database() AS d')).rows).toEqual([{ d: a.id }]);
      await client.end();
      await releaseLease(handoff.broker, 'db', a.id);

      const cache = await acquireLease<{ id: string; details: RedisDetails }>(handoff.broker, 'cache');
      expect(cache.details.db).toBeGreaterThanOrEqual(1);
      // b and cache stay leased: closing the broker gives them back.
    } finally {
      await services.stop();
    }
    for (const name of names) expect(await docker('ps', '-aq', '--filter', `name=^${name}$`)).toBe('');
  });
});
