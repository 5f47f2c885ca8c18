// A compose adopter's berth.config.ts (issue 28: TS2883 on `default` under `declaration: true`).
import { defineConfig } from '@berth/core';
import { compose } from '@berth/core/compose';

const app = compose<'db' | 'cache' | 'app'>();
export default defineConfig({
  services: { app, db: app.postgres('db'), cache: app.redis('cache') },
  env: { POSTGRES_PORT: (s) => s.db.port, REDIS_URL: (s) => s.cache.url },
});
