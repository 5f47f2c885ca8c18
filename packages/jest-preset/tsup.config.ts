import { defineConfig } from 'tsup';

// The public entry (src/public/index.ts) for tests and jest configs, ESM and CommonJS. The files jest
// loads by path are CommonJS only: globalSetup/globalTeardown share one @berth/core with the config
// file jiti loads, and no jest transform pattern matches .cjs. The preset object is ESM, re-exported
// by jest-preset.js at the package root.
export default defineConfig([
  {
    entry: { index: 'src/public/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    shims: true,
    external: ['@berth/core', 'jiti'],
  },
  {
    entry: {
      'global-setup': 'src/public/global-setup.ts',
      'global-teardown': 'src/public/global-teardown.ts',
      environment: 'src/public/environment.ts',
    },
    format: ['cjs'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    shims: true,
    external: ['@berth/core', 'jiti'],
  },
  {
    entry: { preset: 'src/public/preset.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
  },
]);
