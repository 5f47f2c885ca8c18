// #region vitest-config
// vitest.config.ts
import { berth } from '@berth/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [berth()], // reads berth.config.ts
  test: {
    include: ['test/vitest/**/*.test.ts'],
    hookTimeout: 60_000, // the first run may build or pull the image
  },
});
// #endregion
