// A berth.config.ts compiled with `declaration: true` (scripts/check-packed.mjs); env values may be numbers and booleans.
import { defineConfig } from '@berth/core';
import { postgres } from '@berth/core/postgres';

export default defineConfig({
  services: { db: postgres({ image: 'postgres:15' }) },
  env: { DATABASE_URL: (s) => s.db.url, POSTGRES_PORT: (s) => s.db.port, TUNED: () => true },
});
