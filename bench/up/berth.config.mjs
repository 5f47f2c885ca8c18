// The project of the `up` bench case (bench/cases/up.mjs): a postgres with a schema and a redis, as
// a typical project declares them. The bench run's label makes the identity the run's own, so no
// other project's runs adopt these containers while the case measures them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@berth/core';
import { postgres } from '@berth/core/postgres';
import { redis } from '@berth/core/redis';

const spec = { labels: { 'berth-bench.run': process.env.BENCH_RUN_ID ?? 'manual' } };
const migrations = fileURLToPath(new URL('../../examples/orders-api/migrations/', import.meta.url));

export default defineConfig({
  services: {
    db: postgres({
      image: 'postgres:15',
      tuneForTests: true,
      setupSql: [`${migrations}001_products.sql`, `${migrations}002_orders.sql`],
      spec,
    }),
    cache: redis({ image: 'redis:7', spec }),
  },
  env: { DATABASE_URL: (s) => s.db.url, REDIS_URL: (s) => s.cache.url },
});
