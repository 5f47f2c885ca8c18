import { defineConfig } from 'tsup';

// The helpers test files import, and the preload bunfig.toml names (`[test] preload`).
export default defineConfig({
  entry: { index: 'src/index.ts', preload: 'src/preload.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'node20',
  splitting: true,
  shims: true,
  // bun:test is Bun's own module; @berth/core is the user's install.
  external: ['@berth/core', 'bun:test'],
});
