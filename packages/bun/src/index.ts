/**
 * @berth/bun — berth's test helpers for `bun test`, over the run the preload (`@berth/bun/preload`)
 * or `berth run -- bun test` started. Same names, types and errors as every other adapter:
 *
 *   import { freshDatabase } from '@berth/bun';
 *   test('…', async () => { const db = await freshDatabase('db'); … }); // given back after the test
 */
import { createTestHelpers, type TestHelpers } from '@berth/core/broker';
import { boundary } from './boundary.js';

export type { AnyServiceDetails, TestHelpers } from '@berth/core/broker';

const helpers: TestHelpers = createTestHelpers(boundary.hooks);

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
