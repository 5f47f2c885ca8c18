import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { budget, poll } from '../support/budget.js';

// The engine-contract matrix (scripts/test-engines), kept out of the root config so that `pnpm test`
// does not run it: it needs the extra engines that scripts/engines/*-up bring up.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'engines',
    include: ['test/engines/*.test.ts'],
    expect: { poll: poll() },
    testTimeout: budget(90_000),
    hookTimeout: budget(90_000),
  },
});
