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
