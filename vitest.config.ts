import { defineConfig } from 'vitest/config';
import { budget, poll } from './test/support/budget.js';

// expect.poll without options gets the scaled default budget (test/support/budget.ts), never
// vitest's own one second; so do the test and hook timeouts.
const expectDefaults = { poll: poll() };

// Engine test files that share state beyond their own session, run one at a time after the others:
// reused containers and the image cache are found across runs by label (a TTL sweep in one file
// removes another's); the cli and session files leave dead sessions on purpose, which any other
// file's new session sweeps away a second after it starts; the contention test loads every core on
// purpose, and the import-weight test times imports.
const ENGINE_SERIAL = [
  'test/engine/cli.test.ts',
  'test/engine/session.test.ts',
  'test/engine/reuse.test.ts',
  'test/engine/postgres-reuse.test.ts',
  'test/engine/postgres-reuse-restart.test.ts',
  'test/engine/postgres-cache.test.ts',
  'test/engine/contention.test.ts',
  'test/engine/import-weight.test.ts',
];
const ENGINE_WORKERS = Number(process.env.BERTH_ENGINE_WORKERS ?? 3);

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
          exclude: ENGINE_SERIAL,
          expect: expectDefaults,
          testTimeout: budget(120_000),
          hookTimeout: budget(120_000),
          // Engine test files wait on the engine, not the CPU: several run at once even on 2 cores
          // (vitest's default there is one). Each file is a process with a session of its own.
          maxWorkers: ENGINE_WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'engine-serial',
          include: ENGINE_SERIAL,
          expect: expectDefaults,
          testTimeout: budget(120_000),
          hookTimeout: budget(120_000),
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
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
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
