// The library under CPU contention (issue #27): six postgres and two redis started at once, with
// tuneForTests, while a busy loop per core keeps the machine loaded, the way a small shared CI
// runner is. Every start must succeed with berth's default timeouts (only BERTH_TIMEOUT_SCALE, when
// the machine says it is slow, changes them): no inner wait may give up on a constant of its own.
// The template, the pool fill and the broker are exercised too: one fresh database per postgres,
// leased through the broker as a worker would. `pnpm bench --only contention` prints the wall time
// beside testcontainers' PostgreSqlContainer × 6.
import { defineConfig } from '@berth/core';
import { acquireLease, releaseLease, startServices } from '@berth/core/adapter';
import { type PostgresDetails, postgres } from '@berth/core/postgres';
import { redis } from '@berth/core/redis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { type CpuHog, startCpuHog } from '../support/cpu-hog.js';
import { labelled } from '../support/docker.js';

const POSTGRES = 6;
const REDIS = 2;

let hog: CpuHog | undefined;
beforeAll(async () => {
  hog = await startCpuHog();
});

afterAll(async () => {
  await hog?.stop();
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('under a CPU hog, with default timeouts', () => {
  it(`${POSTGRES} postgres and ${REDIS} redis started at once all become ready and serve`, async () => {
    const services = {
      ...Object.fromEntries(Array.from({ length: POSTGRES }, (_, i) => [`db${i}`, postgres({ tuneForTests: true, poolSize: 2 })])),
      ...Object.fromEntries(Array.from({ length: REDIS }, (_, i) => [`cache${i}`, redis()])),
    };
    const loadBefore = hog?.load() ?? 0;
    const began = performance.now();
    const running = await startServices(defineConfig({ services }));
    const startedMs = performance.now() - began;
    try {
      console.log(
        `contention: ${POSTGRES} postgres + ${REDIS} redis ready in ${Math.round(startedMs)} ms under ${hog?.loops} busy loops (load ${loadBefore.toFixed(1)} → ${hog?.load().toFixed(1)})`,
      );
      expect(Object.keys(running.handoff.services).sort()).toEqual(Object.keys(services).sort());
      // Template and pool fill under load: a fresh database of each, through the broker.
      const broker = running.handoff.broker;
      expect(broker).toBeDefined();
      await Promise.all(
        Array.from({ length: POSTGRES }, async (_, i) => {
          const lease = await acquireLease<{ id: string; details: PostgresDetails }>(broker as NonNullable<typeof broker>, `db${i}`);
          const client = new pg.Client({ connectionString: lease.details.url, connectionTimeoutMillis: budget(30_000) });
          await client.connect();
          try {
            expect((await client.query('SELECT current_database() AS d')).rows).toEqual([{ d: lease.id }]);
          } finally {
            await client.end();
          }
          await releaseLease(broker as NonNullable<typeof broker>, `db${i}`, lease.id);
        }),
      );
    } finally {
      await running.stop();
    }
  });
});
