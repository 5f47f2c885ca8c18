/**
 * Logical databases (1–15) handed out one holder at a time from a redis berth did not start itself
 * (a service of a compose file). The container stays its owner's: stop() only fails waiting requests.
 */
import type { StartedContainer } from '../../container/handle.js';
import { registerSecret } from '../../log.js';
import type { Isolation, Lease } from '../../services/definition.js';
import { LogicalDbPool } from './db-pool.js';
import { type RedisDetails, redisUrl, withDb } from './details.js';
import { RespConnection } from './resp.js';

export interface AdoptRedisOptions {
  /** The server's `requirepass`, if any. */
  password?: string;
  /** Port redis listens on inside the container. Default 6379. */
  port?: number;
  /** Default 5000. */
  connectTimeoutMs?: number;
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
  const pool = new LogicalDbPool({
    dbs: Array.from({ length: 15 }, (_, i) => i + 1),
    owner: `redis ${container.name}`,
    flush: async (db) => {
      const connection = await RespConnection.open({ host: details.host, port, password, timeoutMs: options.connectTimeoutMs ?? 5000 });
      try {
        await connection.command('SELECT', String(db));
        await connection.command('FLUSHDB');
      } finally {
        connection.close();
      }
    },
  });
  const isolation: Isolation<RedisDetails> = {
    async acquire(signal?: AbortSignal): Promise<Lease<RedisDetails>> {
      const db = await pool.acquire(signal);
      return { id: String(db), details: withDb(details, db) };
    },
    release: (id) => pool.release(Number(id)),
  };
  return { details, isolation, stop: () => pool.close() };
}
