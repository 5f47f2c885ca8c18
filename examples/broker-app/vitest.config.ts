import { berth } from '@berth/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [berth()],
  test: {
    include: ['test/**/*.test.ts'],
    maxWorkers: 2,
    // The brokers start once, before the first test file: allow for a cold start on a slow machine.
    hookTimeout: 90_000,
    testTimeout: 30_000,
  },
});
