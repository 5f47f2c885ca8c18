/**
 * @berth/vitest/test — what tests import. The helpers are core's (the same names, signatures, types
 * and errors as @berth/jest's); this file only tells them how vitest works: the hand-off comes from
 * `inject('berth')`, a per-test slice goes back in `onTestFinished`, a per-file one in `afterAll`.
 *
 *   const db = service('db', 'postgres')          // PostgresDetails
 *   test('...', async () => {
 *     const { url } = await freshDatabase('db')   // its own database, given back after the test
 *   })
 *   const cache = useFreshRedis('cache')          // one logical db for the whole file: cache().url
 */
import type {
  DatabaseDetails,
  DatabaseKind,
  Handoff,
  KeptSlice,
  ServiceDetailsBase,
  ServiceKind,
  ServiceKinds,
  TestHelpers,
} from '@berth/core/broker';
import { ConfigError, createTestHelpers, keptNote } from '@berth/core/broker';
import type { MysqlDetails } from '@berth/core/mysql';
import type { NatsDetails } from '@berth/core/nats';
import type { PostgresDetails } from '@berth/core/postgres';
import type { RabbitmqDetails } from '@berth/core/rabbitmq';
import type { RedisDetails } from '@berth/core/redis';
import { afterAll, beforeAll, expect, inject, onTestFinished } from 'vitest';
import './provided.js';

export type {
  DatabaseDetails,
  DatabaseKind,
  Handoff,
  MysqlDetails,
  NatsDetails,
  PostgresDetails,
  RabbitmqDetails,
  RedisDetails,
  ServiceDetailsBase,
  ServiceKind,
  ServiceKinds,
};

/** The project's hand-off. Throws a ConfigError when the berth plugin provided none. */
export function handoff(): Handoff {
  const provided = inject('berth') as Handoff | undefined;
  if (!provided) {
    throw new ConfigError('this test project has no berth services', {
      hint:
        "add berth({ services: { ... } }) to the plugins of this project's vitest config (a plugin in the root config " +
        'reaches a project only through `extends: true`)',
    });
  }
  return provided;
}

/** What a finished test's context shows of it (vitest 4 and 5). */
interface FinishedTask {
  name: string;
  fullName?: string;
  result?: { state?: string; errors?: { message?: string }[] };
}

/** Kept slices by test, so a test with several gets one note naming them all. */
const keptByTest = new WeakMap<FinishedTask, { slices: KeptSlice[]; base: string | undefined }>();

/**
 * Names what the run kept in the test's failure output: the note goes under the first error's
 * message (the reporters print every error of a failed test; the result is sent to the main
 * process after the onTestFinished hooks).
 */
function noteKept(task: FinishedTask, slice: KeptSlice): void {
  const result = task.result;
  if (!result) return;
  result.errors ??= [];
  if (result.errors.length === 0) result.errors.push({ message: '' });
  const first = result.errors[0] as { message?: string };
  const entry = keptByTest.get(task) ?? { slices: [], base: first.message };
  keptByTest.set(task, entry);
  entry.slices.push(slice);
  first.message = `${entry.base ? `${entry.base}\n\n` : ''}${keptNote(entry.slices)}`;
}

const helpers = createTestHelpers({
  handoff,
  onTestEnd(giveBack) {
    try {
      onTestFinished(async (context) => {
        const task = context.task as unknown as FinishedTask;
        const slice = await giveBack({ failed: task.result?.state === 'fail', test: task.fullName ?? task.name });
        if (slice) noteKept(task, slice);
      });
      return true;
    } catch {
      // vitest throws when no test is running (top level, beforeAll).
      return false;
    }
  },
  testName: () => expect.getState().currentTestName,
  beforeAll: (fn) => beforeAll(fn),
  afterAll: (fn) => afterAll(fn),
});

// Each helper with its type written out: the published declarations must name TestHelpers's members
// (evaluated in the user's program, where a registered config types them by service name), not the
// types they have in this package, where no config is registered.
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
