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
 * give one slice to every test of a worker, given back when the worker ends. `berth` is the run
 * itself (details of every service). Lifecycle, pools and errors are core's.
 */
import type { AnyServiceDetails, DatabaseKind, HeldLease, RunClient, ServiceKinds } from '@berth/core/broker';
import { ConfigError, connectRun } from '@berth/core/broker';
import { test as base } from '@playwright/test';

export type { AnyServiceDetails, RunClient } from '@berth/core/broker';
export { expect } from '@playwright/test';

/** Takes a slice of the named service; what it takes is given back when its scope ends. */
export type TakeSlice<D> = (service: string) => Promise<D>;

export interface BerthTestFixtures {
  /** A fresh database (postgres, mysql) of a database service, for this test. */
  freshDatabase: TakeSlice<ServiceKinds[DatabaseKind]>;
  /** A fresh redis logical database, for this test. */
  freshRedis: TakeSlice<ServiceKinds['redis']>;
  /** A fresh slice of any service that hands them out, for this test. */
  freshLease: TakeSlice<AnyServiceDetails>;
}

export interface BerthWorkerFixtures {
  /** The run `berth run` started: `berth.service('db', 'postgres')` for a service's details. */
  berth: RunClient;
  /** A fresh database shared by the tests of this worker. */
  workerDatabase: TakeSlice<ServiceKinds[DatabaseKind]>;
  /** A fresh slice of any isolating service, shared by the tests of this worker. */
  workerLease: TakeSlice<AnyServiceDetails>;
}

/** A slice taker whose slices all go back when `done` is called. */
function taker<D>(berth: RunClient, kind?: string): { take: TakeSlice<D>; done: () => Promise<void> } {
  const held: HeldLease[] = [];
  return {
    take: async (service) => {
      const lease = await (kind === undefined ? berth.lease(service) : berth.lease(service, kind as 'redis'));
      held.push(lease);
      return lease.details as D;
    },
    done: async () => {
      await Promise.all(held.splice(0).map((lease) => lease.release()));
    },
  };
}

const databaseOf = (berth: RunClient) => {
  const slices = taker<ServiceKinds[DatabaseKind]>(berth);
  const take: TakeSlice<ServiceKinds[DatabaseKind]> = async (service) => {
    const details = berth.service(service);
    if (typeof (details as { database?: unknown }).database !== 'string') {
      throw new ConfigError(`service ${JSON.stringify(service)} is a ${details.kind} service, which has no databases to hand out`, {
        details: { service },
        hint:
          details.kind === 'redis' ? 'freshRedis gives a redis database of its own' : 'freshLease gives a slice of any isolating service',
      });
    }
    return slices.take(service);
  };
  return { take, done: slices.done };
};

export const test = base.extend<BerthTestFixtures, BerthWorkerFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from its first parameter
  berth: [async ({}, use) => use(connectRun()), { scope: 'worker' }],
  workerDatabase: [
    async ({ berth }, use) => {
      const slices = databaseOf(berth);
      await use(slices.take);
      await slices.done();
    },
    { scope: 'worker' },
  ],
  workerLease: [
    async ({ berth }, use) => {
      const slices = taker<AnyServiceDetails>(berth);
      await use(slices.take);
      await slices.done();
    },
    { scope: 'worker' },
  ],
  freshDatabase: async ({ berth }, use) => {
    const slices = databaseOf(berth);
    await use(slices.take);
    await slices.done();
  },
  freshRedis: async ({ berth }, use) => {
    const slices = taker<ServiceKinds['redis']>(berth, 'redis');
    await use(slices.take);
    await slices.done();
  },
  freshLease: async ({ berth }, use) => {
    const slices = taker<AnyServiceDetails>(berth);
    await use(slices.take);
    await slices.done();
  },
});
