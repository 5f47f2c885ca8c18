import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { budget, poll } from '../support/budget.js';

// The module contract tests (scripts/test-contract, `pnpm test:contract -- <module> <image>`), kept out
// of the root config so that `pnpm test` does not run them: each checks one module against one image
// the caller names.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'contract',
    include: ['test/contract/*.test.ts'],
    expect: { poll: poll() },
    testTimeout: budget(120_000),
    hookTimeout: budget(180_000),
    fileParallelism: false,
  },
});
