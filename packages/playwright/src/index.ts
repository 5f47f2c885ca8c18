/**
 * @berth/playwright — berth's fixtures for Playwright Test, over the run that `berth run --
 * playwright test` started. Playwright starts its `webServer` before its own globalSetup, so the
 * services come up outside it: `berth run` starts them, sets the config's `env` (DATABASE_URL …)
 * for the web server and the workers, and removes everything when Playwright exits.
 *
 *   import { test, expect } from '@berth/playwright';
 *   test('…', async ({ page, freshDatabase }) => {
 *     const db = await freshDatabase('db');  // this test's own; given back when it ends
 *   });
 *
 * `freshDatabase`, `freshRedis`, `freshLease` are per test; `workerDatabase` (and `workerLease`)
 * give one slice to every test of a worker, given back when the worker ends. They are core's test
 * helpers (the same checks, errors and types, typed by service name once the config is registered),
 * scoped to the fixture. `berth` is the run itself. Lifecycle, pools and errors are core's.
 */
import type { GiveBack, KeptSlice, RunClient, TestHelpers } from '@berth/core/broker';
import { ConfigError, connectRun, createTestHelpers, keptNote } from '@berth/core/broker';
import {
  test as base,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestInfo,
  type TestType,
} from '@playwright/test';

export type { AnyServiceDetails, RunClient, TestHelpers } from '@berth/core/broker';
export { expect } from '@playwright/test';

export interface BerthTestFixtures {
  /** A fresh database (postgres, mysql) of a database service, for this test; typed by service name once the config is registered. */
  freshDatabase: TestHelpers['freshDatabase'];
  /** A fresh redis logical database, for this test. */
  freshRedis: TestHelpers['freshRedis'];
  /** A fresh slice of any service that hands them out, for this test. */
  freshLease: TestHelpers['freshLease'];
}

export interface BerthWorkerFixtures {
  /** The run `berth run` started: `berth.service('db', 'postgres')` for a service's details. */
  berth: RunClient;
  /** A fresh database shared by the tests of this worker. */
  workerDatabase: TestHelpers['freshDatabase'];
  /** A fresh slice of any isolating service, shared by the tests of this worker. */
  workerLease: TestHelpers['freshLease'];
}

/**
 * core's helpers over one fixture's lifetime: whatever they hand out is given back by `done()`,
 * when the test (or worker) that used the fixture ends. Same checks, errors and types as every
 * other adapter's helpers.
 */
function scoped(berth: RunClient): { helpers: TestHelpers; done: (testInfo?: TestInfo, kept?: KeptSlice[]) => Promise<void> } {
  const giveBacks: GiveBack[] = [];
  const perBlock = () => {
    throw new ConfigError('the use… helpers have no place in a Playwright fixture', {
      hint: 'take the worker fixtures (workerDatabase, workerLease) for one slice per worker',
    });
  };
  const helpers = createTestHelpers({
    handoff: () => berth.handoff,
    onTestEnd(giveBack) {
      giveBacks.push(giveBack);
      return true;
    },
    beforeAll: perBlock,
    afterAll: perBlock,
  });
  return {
    helpers,
    done: async (testInfo, kept) => {
      const outcome = testInfo && { failed: testInfo.status !== testInfo.expectedStatus, test: testTitle(testInfo) };
      const results = await Promise.allSettled(giveBacks.splice(0).map((giveBack) => giveBack(outcome)));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      for (const result of results) if (result.status === 'fulfilled' && result.value) kept?.push(result.value);
    },
  };
}

/** "kept.spec.ts > keep > fails" (Playwright's title path starts with the project's name, often empty). */
function testTitle(testInfo: TestInfo): string {
  return testInfo.titlePath.filter(Boolean).join(' > ');
}

/**
 * Names what the run kept in the test's report. The reporters print a text attachment under the
 * failure but cut it after 300 characters, so each slice gets one of its own (a URL is never cut),
 * after one that says what they are; the whole note goes to the HTML report's first attachment too.
 */
async function noteKept(testInfo: TestInfo, kept: readonly KeptSlice[]): Promise<void> {
  const note = keptNote(kept).split('\n');
  const [header, ...rest] = note;
  const footer = rest.pop() ?? '';
  await testInfo.attach('berth kept', { body: `${header}\n${footer}`, contentType: 'text/plain' });
  for (const [index, slice] of kept.entries()) {
    await testInfo.attach(`berth kept ${slice.service}`, { body: rest[index] ?? slice.url, contentType: 'text/plain' });
  }
}

/** Internal: what the test's fixtures kept, named in its report once they have all given back. */
interface KeptCollector {
  _berthKept: KeptSlice[];
}

const extended = base.extend<BerthTestFixtures & KeptCollector, BerthWorkerFixtures>({
  // The fresh… fixtures depend on it, so it is torn down after all of them: one note per test.
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from its first parameter
  _berthKept: async ({}, use, testInfo) => {
    const kept: KeptSlice[] = [];
    await use(kept);
    if (kept.length > 0) await noteKept(testInfo, kept);
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from its first parameter
  berth: [async ({}, use) => use(connectRun()), { scope: 'worker' }],
  workerDatabase: [
    async ({ berth }, use) => {
      const { helpers, done } = scoped(berth);
      await use(helpers.freshDatabase);
      await done();
    },
    { scope: 'worker' },
  ],
  workerLease: [
    async ({ berth }, use) => {
      const { helpers, done } = scoped(berth);
      await use(helpers.freshLease);
      await done();
    },
    { scope: 'worker' },
  ],
  freshDatabase: async ({ berth, _berthKept }, use, testInfo) => {
    const { helpers, done } = scoped(berth);
    await use(helpers.freshDatabase);
    await done(testInfo, _berthKept);
  },
  freshRedis: async ({ berth, _berthKept }, use, testInfo) => {
    const { helpers, done } = scoped(berth);
    await use(helpers.freshRedis);
    await done(testInfo, _berthKept);
  },
  freshLease: async ({ berth, _berthKept }, use, testInfo) => {
    const { helpers, done } = scoped(berth);
    await use(helpers.freshLease);
    await done(testInfo, _berthKept);
  },
});

/** Playwright's `test` with berth's fixtures (the internal collector left out of its type). */
export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & BerthTestFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & BerthWorkerFixtures
> = extended as unknown as TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & BerthTestFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & BerthWorkerFixtures
>;
