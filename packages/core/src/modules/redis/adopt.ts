/**
 * Logical databases (1–15) handed out one holder at a time from a redis berth did not start itself
 * (a service of a compose file). The container stays its owner's: stop() only fails waiting requests.
 */
import type { StartedContainer } from '../../container/handle.js';
import { registerSecret } from '../../log.js';
import type { Isolation, Lease } from '../../services/definition.js';
import { redisDatabasePool } from './db-pool.js';
import { type RedisDetails, redisUrl, withDb } from './details.js';

export interface AdoptRedisOptions {
  /** The server's `requirepass`, if any. */
  password?: string;
  /** Port redis listens on inside the container. Default 6379. */
  port?: number;
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** How long a request for a database waits before it fails. Default 30000. */
  acquireTimeoutMs?: number;
}

export interface AdoptedRedis {
  readonly details: RedisDetails;
  readonly isolation: Isolation<RedisDetails>;
  stop(): Promise<void>;
}

export function adoptRedis(container: StartedContainer, options: AdoptRedisOptions = {}): AdoptedRedis {
  const { password } = options;
  registerSecret(password);
  const port = container.mappedPort(options.port ?? 6379);
  const details: RedisDetails = {
    kind: 'redis',
    host: container.host,
    port,
    url: redisUrl({ host: container.host, port, password, db: 0 }),
    ...(password === undefined ? {} : { password }),
    db: 0,
    containerName: container.name,
  };
  const pool = redisDatabasePool(() => details, {
    service: `databases of redis ${container.name}`,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    acquireTimeoutMs: options.acquireTimeoutMs ?? 30_000,
  });
  pool.warm();
  const isolation: Isolation<RedisDetails> = {
    async acquire(signal?: AbortSignal): Promise<Lease<RedisDetails>> {
      const db = await pool.acquire(signal);
      return { id: String(db), details: withDb(details, db) };
    },
    release: async (id) => pool.release(Number(id)),
  };
  return { details, isolation, stop: () => pool.close() };
}
