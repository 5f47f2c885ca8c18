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
export type { MysqlDetails } from '@berth/core/mysql';
export type { NatsDetails } from '@berth/core/nats';
export type { PostgresDetails } from '@berth/core/postgres';
export type { RabbitmqDetails } from '@berth/core/rabbitmq';
export type { RedisDetails } from '@berth/core/redis';
export type { FreshDatabaseOptions, LeaseScope } from '../services.js';
export {
  freshDatabase,
  freshLease,
  freshNatsAccount,
  freshRedis,
  freshVhost,
  service,
  services,
  useFreshDatabase,
  useFreshLease,
  useFreshNatsAccount,
  useFreshRedis,
  useFreshVhost,
} from '../services.js';
export type { BerthPresetFields, JestConfigFields } from '../with-berth.js';
export { withBerth } from '../with-berth.js';
