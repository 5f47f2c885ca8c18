import { berth } from '@berth/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [berth()], // reads berth.config.ts
  test: { include: ['test/**/*.test.ts'], hookTimeout: 60_000 },
});
