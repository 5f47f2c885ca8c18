import { defineConfig } from 'tsup';

// One entry: the test object with berth's fixtures.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'node20',
  shims: true,
  // Resolved by the user's install: one @berth/core per process.
  external: ['@berth/core', '@playwright/test'],
});
