import { defineConfig } from 'tsup';

// Two public entries: the helpers test files import, and the global setup module for
// `node --test --test-global-setup=@berth/node-test/setup` (Node 24+).
export default defineConfig({
  entry: { index: 'src/index.ts', setup: 'src/setup.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'node20',
  splitting: true,
  shims: true,
  // Resolved by the user's install: one @berth/core per process.
  external: ['@berth/core'],
  // Keep `node:test` as written: tsup's default drops the prefix, and 'test' is no builtin.
  removeNodeProtocol: false,
});
