import { defineConfig } from 'tsup';

// One entry per public subpath (src/public/*), mapped one-to-one to package.json "exports", plus the
// two files vitest loads by path: the global setup (main process) and the setup file (workers).
export default defineConfig([
  {
    entry: {
      index: 'src/public/index.ts',
      test: 'src/public/test.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    splitting: true,
    // import.meta.url in the CJS build (the plugin locates global-setup.js next to itself).
    shims: true,
    // Resolved by the user's install: one @berth/core and one vitest per process.
    external: ['@berth/core', 'vitest'],
  },
  {
    entry: { 'global-setup': 'src/global-setup.ts', 'worker-setup': 'src/worker-setup.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    external: ['@berth/core', 'vitest'],
  },
]);
