// #region vitest-config
import { berth } from '@berth/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // With no options the plugin reads berth.config.ts, which the jest suite shares. A vitest-only
  // project can declare the services inline instead:
  //   berth({ services: { db: postgres({ image: 'postgres:15' }) }, env: { DATABASE_URL: (s) => s.db.url } })
  plugins: [berth()],
  test: {
    include: ['test/vitest/**/*.test.ts'],
    maxWorkers: 2,
    // The services start once, before the first test file: allow for a cold image on a slow machine.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
// #endregion
