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
