/**
 * The logical databases of one redis server (1 to REDIS_DATABASES - 1; 0 is the service's own), on
 * the shared isolation pool: a slot is a database number, flushed before anyone else gets it.
 * startRedis() and adoptRedis() (a compose file's redis) both make theirs here.
 */
import { ContainerNotRunningError } from '../../errors.js';
import { IsolationPool } from '../../services/pool.js';
import { REDIS_DATABASES } from './container-spec.js';
import type { RedisDetails } from './details.js';
import { RespConnection } from './resp.js';

export interface RedisPoolPlan {
  /** Names the pool in errors: "databases of service cache (redis container berth-x)". */
  service: string;
  connectTimeoutMs: number;
  acquireTimeoutMs: number;
  workers?: number | undefined;
  /** Runs a flush, again when a restart of the container cut it off (follow-ports.ts). Default: once. */
  redo?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** `details()` is asked on every flush: after a restart it has the new port. */
export function redisDatabasePool(details: () => RedisDetails, plan: RedisPoolPlan): IsolationPool<number> {
  const redo = plan.redo ?? ((work) => work());
  const flush = (db: number) => redo(() => flushOnce(details(), db));
  const flushOnce = async (details: RedisDetails, db: number) => {
    const connection = await RespConnection.open({
      host: details.host,
      port: details.port,
      password: details.password,
      timeoutMs: plan.connectTimeoutMs,
    });
    try {
      await connection.command('SELECT', String(db));
      await connection.command('FLUSHDB');
    } finally {
      connection.close();
    }
  };
  // Databases not in any slot; a retired one comes back here and is flushed again before reuse.
  const unused = Array.from({ length: REDIS_DATABASES - 1 }, (_, i) => i + 1);
  return new IsolationPool<number>(
    {
      create: async () => {
        const db = unused.shift();
        if (db === undefined) throw new ContainerNotRunningError('every redis database is in use');
        try {
          await flush(db);
        } catch (error) {
          unused.push(db);
          throw error;
        }
        return db;
      },
      recycle: async (db) => {
        await flush(db);
        return 'reuse';
      },
      retire: async (db) => {
        unused.push(db);
      },
      describe: (db) => `redis database ${db}`,
    },
    {
      service: plan.service,
      min: 2,
      max: REDIS_DATABASES - 1,
      concurrency: 2,
      acquireTimeoutMs: plan.acquireTimeoutMs,
      workers: plan.workers,
    },
  );
}
