/**
 * @berth/node-test — berth's test helpers for node:test, over the run that `berth run -- node --test`
 * (any Node) or `node --test --test-global-setup=@berth/node-test/setup` (Node 24+) started.
 *
 *   import { freshDatabase, service } from '@berth/node-test';
 *   test('…', async () => { const db = await freshDatabase('db'); … });  // given back after the test
 *   test('…', async (t) => { const db = await berth(t).freshDatabase('db'); … }); // bound to `t`
 *
 * The plain helpers give back what a test took in a root-level afterEach, which this module
 * registers when a test file imports it; tests of one file that run concurrently use `berth(t)`,
 * which gives back through `t.after`. Lifecycle, pools and errors are core's.
 */
import { after, afterEach, before, beforeEach, type TestContext } from 'node:test';
import { createTestHelpers, type KeptSlice, keptNote, readRunVariables, type TestHelpers, testBoundary } from '@berth/core/broker';

export type { AnyServiceDetails, TestHelpers } from '@berth/core/broker';

const hooks = {
  handoff: () => readRunVariables(),
  beforeAll: (fn: () => Promise<void>) => before(fn),
  afterAll: (fn: () => Promise<void>) => after(fn),
};

/** What node:test shows a hook of the test it runs for (`passed` since Node 20.12). */
type EndedTest = Partial<Pick<TestContext, 'name' | 'diagnostic'>> & { passed?: boolean; fullName?: string };

const outcomeOf = (t: EndedTest) => ({ failed: t.passed === false, test: t.fullName ?? t.name ?? '(unnamed test)' });

/** Names what the run kept in the test's report: one diagnostic line each (every reporter prints them). */
function noteKept(t: EndedTest, kept: KeptSlice[]): void {
  const note = keptNote(kept);
  // Without a context to report through (a hand-made `t`), stderr still shows it.
  if (!t.diagnostic) process.stderr.write(`${note}\n`);
  else for (const line of note.split('\n')) t.diagnostic(line);
}

const boundary = testBoundary('node-test', hooks);
beforeEach(() => boundary.testStarted());
afterEach(async (context) => {
  const t = context as EndedTest;
  const kept = await boundary.testEnded(outcomeOf(t));
  if (kept.length > 0) noteKept(t, kept);
});

const helpers: TestHelpers = createTestHelpers(boundary.hooks);

/** Helpers whose slices are given back when `t` ends (for tests that run concurrently). */
export function berth(t: Pick<TestContext, 'after'> & Partial<Pick<TestContext, 'name' | 'diagnostic'>>): TestHelpers {
  return createTestHelpers({
    ...hooks,
    onTestEnd(giveBack) {
      t.after(async () => {
        const slice = await giveBack(outcomeOf(t));
        if (slice) noteKept(t, [slice]);
      });
      return true;
    },
  });
}

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
