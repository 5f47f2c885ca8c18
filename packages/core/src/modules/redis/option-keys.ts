/** The keys `redis()` accepts; typed against RedisOptions so the two cannot drift apart. */
import type { KnownKeys } from '../../spec/check.js';
import type { RedisOptions } from './options.js';

export const REDIS_OPTION_KEYS: KnownKeys<RedisOptions> = {
  image: true,
  password: true,
  args: true,
  startupTimeoutMs: true,
  connectTimeoutMs: true,
  acquireTimeoutMs: true,
  spec: true,
};
