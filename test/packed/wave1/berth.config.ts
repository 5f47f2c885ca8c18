// The services this project's tests need, declared once. Both runners read this file: the vitest
// plugin (vitest.config.ts) and the jest preset (jest.config.js) find it in the project root.
// #region berth-config
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@berth/core';
import { postgres } from '@berth/core/postgres';
import { redis } from '@berth/core/redis';
import { migrate } from './src/migrate.js';

const migrations = fileURLToPath(new URL('./migrations', import.meta.url));

export default defineConfig({
  services: {
    db: postgres({
      // The image is just a string: any tag of the official image works the same way,
      // e.g. 'postgres:10.10' to match an old production server, or 'postgres:16-alpine'.
      image: 'postgres:15',
      tuneForTests: true, // fsync and friends off: nothing here needs to survive a crash
      // Runs once, against the template that every fresh database is cloned from.
      setup: (templateUrl) => migrate(templateUrl, migrations).then(() => undefined),
    }),
    cache: redis({ image: 'redis:7' }),
  },
  // For code that reads its configuration from the environment. Both point at the shared main
  // databases; tests that write take a fresh database of their own instead.
  env: {
    DATABASE_URL: (s) => s.db.url,
    REDIS_URL: (s) => s.cache.url,
  },
});
// #endregion
