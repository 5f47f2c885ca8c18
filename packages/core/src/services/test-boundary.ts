/**
 * RunnerHooks for runners that say when each test starts and ends through global hooks (mocha's
 * root hooks, node:test's root beforeEach/afterEach) rather than through a per-test object: the
 * slices a test takes are held in one list and given back when the runner says the test ended.
 *
 * Tests of one process run one at a time there (mocha always; node:test unless a suite asks for
 * concurrency, where the per-test form `berth(t)` of @berth/node-test binds to `t` instead).
 * The state lives on globalThis under a Symbol.for key, so a plugin loaded through `require` and
 * test files loaded through `import` (two copies of the adapter) still share one boundary.
 */
import type { GiveBack, RunnerHooks } from './helpers.js';
import type { KeptSlice, TestOutcome } from './keep.js';
import type { Handoff } from './start-services.js';

export interface TestBoundary {
  readonly hooks: RunnerHooks;
  /** The runner starts a test. */
  testStarted(): void;
  /**
   * The runner's test has ended (passed or failed): gives back every slice it took, all at once,
   * with its outcome when the runner tells; resolves to the slices the run kept (keep.ts).
   */
  testEnded(outcome?: TestOutcome): Promise<KeptSlice[]>;
}

export interface TestBoundaryOptions {
  /** Where the hand-off comes from (e.g. readRunVariables). */
  handoff(): Handoff;
  /** The runner's per-file or per-suite hooks, for the use… variants. */
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

interface State {
  inTest: boolean;
  giveBack: GiveBack[];
}

/** One boundary per process and `key` (the adapter's name). */
export function testBoundary(key: string, options: TestBoundaryOptions): TestBoundary {
  const slot = Symbol.for(`dev.berth.test-boundary.${key}`);
  const holder = globalThis as { [slot]?: State };
  holder[slot] ??= { inTest: false, giveBack: [] };
  const state = holder[slot] as State;
  return {
    hooks: {
      handoff: options.handoff,
      onTestEnd(giveBack) {
        if (!state.inTest) return false;
        state.giveBack.push(giveBack);
        return true;
      },
      beforeAll: options.beforeAll,
      afterAll: options.afterAll,
    },
    testStarted() {
      state.inTest = true;
    },
    async testEnded(outcome) {
      state.inTest = false;
      const work = state.giveBack.splice(0);
      const results = await Promise.allSettled(work.map((giveBack) => giveBack(outcome)));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      return results.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
    },
  };
}
