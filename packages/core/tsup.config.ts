import { defineConfig } from 'tsup';

// One entry per public subpath (src/public/*), mapped one-to-one to package.json "exports".
export default defineConfig([
  {
    entry: {
      index: 'src/public/index.ts',
      postgres: 'src/public/postgres.ts',
      mysql: 'src/public/mysql.ts',
      redis: 'src/public/redis.ts',
      broker: 'src/public/broker.ts',
      rabbitmq: 'src/public/rabbitmq.ts',
      nats: 'src/public/nats.ts',
      compose: 'src/public/compose.ts',
      adapter: 'src/public/adapter.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    splitting: true,
    // import.meta.url in the CJS build (used to locate the reaper script next to the bundle).
    shims: true,
    // Keep class names (InvalidSpecError, ...) in the CJS build too; error.name is part of the API.
    keepNames: true,
  },
  {
    // The CLI and the reaper run as plain node programs (ESM).
    entry: { cli: 'src/cli/main.ts', reaper: 'src/session/reaper-main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
