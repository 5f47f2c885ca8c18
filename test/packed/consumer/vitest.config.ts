// The vitest side as a user writes it: the plugin in the config, helpers in the tests.

import { postgres } from '@berth/core/postgres';
import { redis } from '@berth/core/redis';
import { berth } from '@berth/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [berth({ services: { db: postgres(), cache: redis() }, env: { DATABASE_URL: (s) => s.db.url } })],
});
