import { berth } from '@berth/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [berth()],
  test: {
    include: ['test/vitest/**/*.test.ts'],
    // The project starts once, before the first test file (with an image build on a cold cache).
    hookTimeout: 120_000,
    testTimeout: 30_000,
  },
});
