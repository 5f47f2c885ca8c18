import { defineConfig } from 'vitest/config';

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
        },
      },
      {
        test: {
          name: 'engine',
          include: ['test/engine/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
