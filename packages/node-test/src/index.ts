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
import { createTestHelpers, readRunVariables, type TestHelpers, testBoundary } from '@berth/core/broker';

export type { AnyServiceDetails, TestHelpers } from '@berth/core/broker';

const hooks = {
  handoff: () => readRunVariables(),
  beforeAll: (fn: () => Promise<void>) => before(fn),
  afterAll: (fn: () => Promise<void>) => after(fn),
};

const boundary = testBoundary('node-test', hooks);
beforeEach(() => boundary.testStarted());
afterEach(() => boundary.testEnded());

const helpers: TestHelpers = createTestHelpers(boundary.hooks);

/** Helpers whose slices are given back when `t` ends (for tests that run concurrently). */
export function berth(t: Pick<TestContext, 'after'>): TestHelpers {
  return createTestHelpers({
    ...hooks,
    onTestEnd(giveBack) {
      t.after(giveBack);
      return true;
    },
  });
}

export const {
  service,
  freshDatabase,
  freshRedis,
  freshLease,
  freshVhost,
  freshNatsAccount,
  useFreshDatabase,
  useFreshRedis,
  useFreshLease,
  useFreshVhost,
  useFreshNatsAccount,
} = helpers;
