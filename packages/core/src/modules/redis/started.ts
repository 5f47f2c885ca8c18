/**
 * `startRedis()`: a redis container for core-only users, with its connection details and logical
 * databases handed out one holder at a time. The service definition (service.ts) is built on it.
 */
import type { StartedContainer } from '../../container/handle.js';
import { start } from '../../container/start.js';
import { CleanupError, ContainerNotRunningError, ContainerStartError } from '../../errors.js';
import { registerSecret } from '../../log.js';
import type { ServiceStopOptions } from '../../services/definition.js';
import { type IsolationPool, poolName } from '../../services/pool.js';
import { followPorts } from '../follow-ports.js';
import type { RestartGate } from '../restart-gate.js';
import { REDIS_PORT, redisSpec } from './container-spec.js';
import { redisDatabasePool } from './db-pool.js';
import { type RedisDetails, redisUrl, withDb } from './details.js';
import { type RedisOptions, type ResolvedRedisOptions, resolveRedisOptions } from './options.js';
import { RespConnection, RespReplyError } from './resp.js';

export interface StartRedisOptions {
  signal?: AbortSignal;
  /** Name used in errors and logs (adapters pass the service's name). */
  service?: string;
  /** Test workers of the run: the pool keeps four databases ready per worker. */
  workers?: number;
}

/**
 * A logical database (1–15) of your own until released; emptied on release. `details` and `url`
 * follow a restart of the container; a copy of `details` taken earlier keeps the old port.
 */
export interface FreshRedisDatabase extends AsyncDisposable {
  readonly db: number;
  readonly details: RedisDetails;
  readonly url: string;
  /** Gives the database back at once; it is flushed in the background before anyone else gets it. Idempotent. */
  release(): Promise<void>;
}

export class StartedRedis implements AsyncDisposable {
  readonly container: StartedContainer;
  readonly #state: { details: RedisDetails };
  readonly #pool: IsolationPool<number>;
  readonly #gate: RestartGate;
  #stopped: Promise<void> | undefined;

  /** @internal Use startRedis(). */
  constructor(container: StartedContainer, state: { details: RedisDetails }, pool: IsolationPool<number>, gate: RestartGate) {
    this.container = container;
    this.#state = state;
    this.#pool = pool;
    this.#gate = gate;
  }

  /** Connection details of database 0; after `container.restart()` with the new host port (an object read before keeps the old one). */
  get details(): RedisDetails {
    return this.#state.details;
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
    await this.#gate.pass();
    const db = await this.#pool.acquire(options.signal);
    const release = async () => this.#pool.release(db);
    const state = this.#state;
    return {
      db,
      get details() {
        return withDb(state.details, db);
      },
      get url() {
        return withDb(state.details, db).url;
      },
      release,
      [Symbol.asyncDispose]: release,
    };
  }

  /** Idempotent: fails waiting requests and removes the container. */
  stop(options: ServiceStopOptions = {}): Promise<void> {
    this.#stopped ??= (async () => {
      const errors: unknown[] = [];
      await this.#pool.close().catch((error: unknown) => errors.push(error));
      await this.container.stop({ leaveRunning: options.leaveRunning === true }).catch((error: unknown) => errors.push(error));
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

export async function startResolved(options: ResolvedRedisOptions, { signal, service, workers }: StartRedisOptions): Promise<StartedRedis> {
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
  try {
    await pingFromHost(details, options.connectTimeoutMs);
  } catch (error) {
    await container.stop().catch(() => undefined);
    throw new ContainerStartError(`redis ${container.name} is up but does not answer a PING from the host: ${(error as Error).message}`, {
      cause: error,
      hint:
        error instanceof RespReplyError
          ? 'the reply above is the server’s own: an image that keeps protected mode on, or a password that differs from `password`'
          : 'the mapped port did not answer; is something else in the way of the engine’s port mapping?',
      details: { image: container.image, containerName: container.name, ...(service ? { service } : {}) },
    });
  }
  const state = { details };
  const gate = followPorts(container, 'redis', state, (before) => {
    const port = container.mappedPort(REDIS_PORT);
    return { ...before, port, url: redisUrl({ host: before.host, port, password, db: 0 }) };
  });
  const pool = redisDatabasePool(() => state.details, {
    service: poolName('databases', 'redis', container.name, service),
    connectTimeoutMs: options.connectTimeoutMs,
    acquireTimeoutMs: options.acquireTimeoutMs,
    workers,
    redo: (work) => gate.redo(work),
  });
  pool.warm();
  return new StartedRedis(container, state, pool, gate);
}

/** One PING through the mapped port, as the tests will connect; an error reply is quoted. */
async function pingFromHost(details: RedisDetails, timeoutMs: number): Promise<void> {
  const connection = await RespConnection.open({ host: details.host, port: details.port, password: details.password, timeoutMs });
  try {
    const reply = await connection.command('PING');
    if (reply !== 'PONG') throw new RespReplyError(`redis replied ${JSON.stringify(reply)} to PING`);
  } finally {
    connection.close();
  }
}
