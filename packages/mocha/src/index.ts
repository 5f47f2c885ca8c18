/**
 * @berth/mocha — berth for mocha, as one module that is both mocha's root hook plugin and the
 * helpers test files import:
 *
 *   .mocharc.json   { "require": ["@berth/mocha"] }          (serial or --parallel)
 *   a test file     import { freshDatabase } from '@berth/mocha';
 *                   it('…', async () => { const db = await freshDatabase('db'); … });
 *
 * As a plugin it exports mocha's global fixtures (mochaGlobalSetup/-Teardown: the services start
 * once, in mocha's main process, before any parallel worker exists, and workers inherit the run's
 * variables) and root hooks (each test's slices are given back after it, passed or failed).
 * Under `berth run -- mocha` the run is already there and the global fixtures step aside.
 * Lifecycle, pools and errors are core's.
 */
import { type ConfiguredRun, startConfiguredRun } from '@berth/core/adapter';
import {
  createTestHelpers,
  type KeptSlice,
  keptNote,
  readRunVariables,
  SERVICES_VARIABLE,
  type TestHelpers,
  testBoundary,
} from '@berth/core/broker';

export type { AnyServiceDetails, TestHelpers } from '@berth/core/broker';

/**
 * mocha gives a hook 2 s unless told otherwise; a slice under load can take longer. berth's own
 * deadlines (scaled by BERTH_TIMEOUT_SCALE) bound that work and say what ran late, so berth's hooks
 * get a limit well beyond them.
 */
const HOOK_TIMEOUT_MS = 30 * 60_000;

/** The test a root afterEach hook runs after, as mocha shows it to the hook. */
interface MochaTest {
  state?: 'passed' | 'failed' | 'pending';
  file?: string;
  err?: Error;
  fullTitle(): string;
}
type MochaContext = { timeout?(ms: number): void; currentTest?: MochaTest };
type Hook = (fn: (this: MochaContext) => Promise<void>) => void;

/** mocha's own before/after, which it puts on the global object for every test file. */
const mochaHook = (name: 'before' | 'after'): ((fn: () => Promise<void>) => void) => {
  return (fn) => {
    const hook = (globalThis as Record<string, unknown>)[name];
    if (typeof hook !== 'function') throw new Error(`mocha's ${name}() is not defined: use the helpers in a mocha test file`);
    (hook as Hook)(async function (this: MochaContext) {
      this.timeout?.(HOOK_TIMEOUT_MS);
      await fn();
    });
  };
};

const boundary = testBoundary('mocha', {
  handoff: () => readRunVariables(),
  beforeAll: mochaHook('before'),
  afterAll: mochaHook('after'),
});

/** Root hooks: mocha runs them around every test of every file (in each worker with --parallel). */
export const mochaHooks = {
  beforeEach(): void {
    boundary.testStarted();
  },
  async afterEach(this: MochaContext): Promise<void> {
    this.timeout?.(HOOK_TIMEOUT_MS);
    const test = this.currentTest;
    const kept = await boundary.testEnded(
      test ? { failed: test.state === 'failed', test: [test.file, test.fullTitle()].filter(Boolean).join(' > ') } : undefined,
    );
    if (test && kept.length > 0) noteKept(test, kept);
  },
};

/**
 * Names what the run kept in the test's failure output: mocha's reporters print the error's message
 * and stack when the run ends (in the main process, after --parallel workers sent them).
 */
function noteKept(test: MochaTest, kept: KeptSlice[]): void {
  const note = keptNote(kept);
  const err = test.err;
  if (!err) return;
  const before = err.message;
  err.message = `${before}\n\n${note}`;
  if (err.stack?.includes(before)) err.stack = err.stack.replace(before, err.message);
}

let run: ConfiguredRun | undefined;

/** Starts the services of berth.config.* once, in mocha's main process (a global fixture). */
export async function mochaGlobalSetup(): Promise<void> {
  // `berth run -- mocha` started them already; its variables are in our environment.
  if (process.env[SERVICES_VARIABLE]) return;
  run = await startConfiguredRun({});
  Object.assign(process.env, run.variables);
}

/** Stops what mochaGlobalSetup started. */
export async function mochaGlobalTeardown(): Promise<void> {
  const current = run;
  run = undefined;
  if (!current) return;
  for (const key of Object.keys(current.variables)) delete process.env[key];
  await current.stop();
}

const helpers: TestHelpers = createTestHelpers(boundary.hooks);

// Each helper with its type written out: the published declarations must name TestHelpers's members
// (evaluated in the user's program, where a registered config types them by service name).
export const service: TestHelpers['service'] = helpers.service;
export const freshDatabase: TestHelpers['freshDatabase'] = helpers.freshDatabase;
export const freshRedis: TestHelpers['freshRedis'] = helpers.freshRedis;
export const freshLease: TestHelpers['freshLease'] = helpers.freshLease;
export const freshVhost: TestHelpers['freshVhost'] = helpers.freshVhost;
export const freshNatsAccount: TestHelpers['freshNatsAccount'] = helpers.freshNatsAccount;
export const useFreshDatabase: TestHelpers['useFreshDatabase'] = helpers.useFreshDatabase;
export const useFreshRedis: TestHelpers['useFreshRedis'] = helpers.useFreshRedis;
export const useFreshLease: TestHelpers['useFreshLease'] = helpers.useFreshLease;
export const useFreshVhost: TestHelpers['useFreshVhost'] = helpers.useFreshVhost;
export const useFreshNatsAccount: TestHelpers['useFreshNatsAccount'] = helpers.useFreshNatsAccount;
