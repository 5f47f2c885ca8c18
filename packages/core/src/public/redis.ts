/**
 * @berth/core/redis — a redis service with a logical database of its own per test. No redis client
 * dependency: berth speaks the few protocol commands it needs itself.
 */
export type { RedisDetails } from '../modules/redis/details.js';
export type { RedisOptions } from '../modules/redis/options.js';
export { redis } from '../modules/redis/service.js';
export type { FreshRedisDatabase, StartRedisOptions } from '../modules/redis/started.js';
export { StartedRedis, startRedis } from '../modules/redis/started.js';
// What the service factory returns, nameable from this entry alone (declaration emit of a config).
export type { ServiceDefinition, ServiceDetailsBase } from '../services/definition.js';
