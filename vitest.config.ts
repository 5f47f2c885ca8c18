import { defineConfig } from 'vitest/config';
import { budget, poll } from './test/support/budget.js';

// expect.poll without options gets the scaled default budget (test/support/budget.ts), never
// vitest's own one second; so do the test and hook timeouts.
const expectDefaults = { poll: poll() };

// Three layers of tests (STYLE.md §9): fast unit tests beside the code; engine tests against a real
// engine under test/engine (they import the built packages, i.e. what users get); end-to-end tests
// that run fixture projects through vitest and jest as child processes under test/e2e.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          expect: expectDefaults,
        },
      },
      {
        test: {
          name: 'engine',
          include: ['test/engine/*.test.ts'],
          expect: expectDefaults,
          testTimeout: budget(120_000),
          hookTimeout: budget(120_000),
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/*.test.ts'],
          expect: expectDefaults,
          testTimeout: budget(300_000),
          hookTimeout: budget(300_000),
          fileParallelism: false,
        },
      },
    ],
  },
});
