// berth.config.mjs: the services of the shared runner scenario. JavaScript, so `berth run` loads it
// with Node alone; a berth.config.ts works the same where jiti (or a TypeScript-aware runtime) is there.
import { defineConfig } from '@berth/core';
import { postgres } from '@berth/core/postgres';
import { redis } from '@berth/core/redis';

export default defineConfig({
  services: {
    db: postgres({
      image: 'postgres:15',
      tuneForTests: true,
      // Made once in the template; every fresh database is a copy of it.
      setupSql: ['schema.sql'],
    }),
    cache: redis({ image: 'redis:7' }),
  },
  env: { DATABASE_URL: (s) => s.db.url },
});
