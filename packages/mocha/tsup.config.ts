import { defineConfig } from 'tsup';

// One entry: the root hook plugin (`--require @berth/mocha`) and the helpers test files import.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'node20',
  shims: true,
  // Resolved by the user's install: one @berth/core per process.
  external: ['@berth/core'],
});
