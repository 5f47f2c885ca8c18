/**
 * @berth/jest — berth's declared services in jest.
 *
 * In tests: `service('db', 'postgres')` for connection details, `freshDatabase('db')` for a database
 * of your own. In the jest config: `preset: '@berth/jest'`, or `withBerth(config)` next to another
 * preset. Services are declared in berth.config.ts with `defineConfig` from @berth/core.
 */

export type { PostgresDetails } from '@berth/core/postgres';
export type { RedisDetails } from '@berth/core/redis';
export type { LeaseScope } from '../environment/leases.js';
export type { AnyServiceDetails, FreshDatabaseOptions, ServiceKind, ServiceKinds } from '../services.js';
export { freshDatabase, freshRedis, service, services } from '../services.js';
export type { BerthPresetFields, JestConfigFields } from '../with-berth.js';
export { withBerth } from '../with-berth.js';
