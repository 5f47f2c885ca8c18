/**
 * @berth/jest — berth's declared services in jest.
 *
 * In tests: `service('db', 'postgres')` for connection details, `freshDatabase('db')` for a database
 * of your own (the same helpers as @berth/vitest/test). In the jest config: `preset: '@berth/jest'`,
 * or `withBerth(config)` next to another preset. Services are declared in berth.config.ts with
 * `defineConfig` from @berth/core.
 */

export type {
  AnyServiceDetails,
  DatabaseDetails,
  DatabaseKind,
  Handoff,
  ServiceDetailsBase,
  ServiceKind,
  ServiceKinds,
} from '@berth/core/broker';
export type { PostgresDetails } from '@berth/core/postgres';
export type { RedisDetails } from '@berth/core/redis';
export { freshDatabase, freshLease, freshRedis, service, useFreshDatabase, useFreshLease, useFreshRedis } from '../services.js';
export type { BerthPresetFields, JestConfigFields } from '../with-berth.js';
export { withBerth } from '../with-berth.js';
