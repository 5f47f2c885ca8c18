/**
 * `startRedis()`: a redis container for core-only users, with its connection details and logical
 * databases handed out one holder at a time. The service definition (service.ts) is built on it.
 */
import type { StartedContainer } from '../../container/handle.js';
import { start } from '../../container/start.js';
import { CleanupError, ContainerNotRunningError } from '../../errors.js';
import { registerSecret } from '../../log.js';
import { REDIS_PORT, redisSpec } from './container-spec.js';
import { LogicalDbPool } from './db-pool.js';
import { type RedisDetails, redisUrl, withDb } from './details.js';
import { type RedisOptions, type ResolvedRedisOptions, resolveRedisOptions } from './options.js';
import { RespConnection } from './resp.js';

export interface StartRedisOptions {
  signal?: AbortSignal;
  /** Name used in errors and logs (adapters pass the service's name). */
  service?: string;
}

/** A logical database (1–15) of your own until released; emptied on release. */
export interface FreshRedisDatabase extends AsyncDisposable {
  readonly db: number;
  readonly details: RedisDetails;
  readonly url: string;
  /** Flushes the database and gives it back. Idempotent. */
  release(): Promise<void>;
}

export class StartedRedis implements AsyncDisposable {
  readonly container: StartedContainer;
  readonly details: RedisDetails;
  readonly #pool: LogicalDbPool;
  #stopped: Promise<void> | undefined;

  /** @internal Use startRedis(). */
  constructor(container: StartedContainer, details: RedisDetails, pool: LogicalDbPool) {
    this.container = container;
    this.details = details;
    this.#pool = pool;
  }

  /** URL of database 0. */
  get url(): string {
    return this.details.url;
  }

  /** A logical database nobody else holds; waits when all 15 are out. */
  async freshDatabase(options: { signal?: AbortSignal } = {}): Promise<FreshRedisDatabase> {
    if (this.#stopped) {
      throw new ContainerNotRunningError(`cannot get a redis database: redis container ${this.container.name} was stopped`);
    }
    const db = await this.#pool.acquire(options.signal);
    const details = withDb(this.details, db);
    const release = () => this.#pool.release(db);
    return { db, details, url: details.url, release, [Symbol.asyncDispose]: release };
  }

  /** Idempotent: fails waiting requests and removes the container. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const errors: unknown[] = [];
      await this.#pool.close().catch((error: unknown) => errors.push(error));
      await this.container.stop().catch((error: unknown) => errors.push(error));
      if (errors.length > 0) throw new CleanupError(`stopping redis ${this.container.name} failed`, errors);
    })();
    return this.#stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export function startRedis(options: RedisOptions = {}, startOptions: StartRedisOptions = {}): Promise<StartedRedis> {
  return startResolved(resolveRedisOptions(options), startOptions);
}

export async function startResolved(options: ResolvedRedisOptions, { signal, service }: StartRedisOptions): Promise<StartedRedis> {
  registerSecret(options.password);
  const container = await start(redisSpec(options), { ...(signal ? { signal } : {}), ...(service ? { service } : {}) });
  let port: number;
  try {
    port = container.mappedPort(REDIS_PORT);
  } catch (error) {
    await container.stop().catch(() => undefined);
    throw error;
  }
  const password = options.password;
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
    owner: `redis container ${container.name}`,
    flush: async (db) => {
      const connection = await RespConnection.open({ host: details.host, port, password, timeoutMs: options.connectTimeoutMs });
      try {
        await connection.command('SELECT', String(db));
        await connection.command('FLUSHDB');
      } finally {
        connection.close();
      }
    },
  });
  return new StartedRedis(container, details, pool);
}
