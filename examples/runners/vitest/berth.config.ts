// berth.config.ts: the services of the shared runner scenario (the vitest plugin reads it).
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
