/**
 * `startMysql()`: a mysql or mariadb container for core-only users, with its connection details and
 * fresh databases copied from a template. The service definition (service.ts) is a thin layer over
 * this.
 */
import type { StartedContainer } from '../../container/handle.js';
import { start } from '../../container/start.js';
import {
  AbortError,
  BerthError,
  CleanupError,
  ContainerNotRunningError,
  type MissingPeerDependencyError,
  ModuleError,
  withDetails,
} from '../../errors.js';
import { registerSecret } from '../../log.js';
import type { ServiceStopOptions } from '../../services/definition.js';
import { IsolationPool, poolName } from '../../services/pool.js';
import { MysqlAdmin } from './admin.js';
import { cloneDatabase } from './clone.js';
import { MYSQL_PORT, mysqlSpec } from './container-spec.js';
import { type MysqlDetails, mysqlUrl, withDatabase } from './details.js';
import { loadMysql2, type Mysql2Module, tryLoadMysql2 } from './driver.js';
import { type MysqlOptions, type ResolvedMysqlOptions, resolveMysqlOptions } from './options.js';
import { fingerprint, resetDatabase } from './recycle.js';
import { followMysqlRestarts, type MysqlServerState } from './restart.js';
import { FRESH_PREFIX, prepareTemplate } from './template.js';

export interface StartMysqlOptions {
  signal?: AbortSignal;
  /** Name used in errors and logs (adapters pass the service's name). */
  service?: string;
  /** Test workers of the run: the pool keeps four fresh databases ready per worker. */
  workers?: number;
}

/**
 * A database of its own, copied from the template. Dropped by `release()` or `await using`.
 * `details` and `url` follow a restart of the container (another host port); a copy of `details`
 * taken earlier keeps the old port.
 */
export interface FreshMysqlDatabase extends AsyncDisposable {
  readonly name: string;
  readonly details: MysqlDetails;
  readonly url: string;
  /**
   * Gives the database back at once. In the background its clients are disconnected and it is
   * emptied and handed to a later test as a copy of the template, or dropped when its schema was
   * changed. Idempotent.
   */
  release(): Promise<void>;
}

/** Either the means to make databases, or the reason there are none (mysql2 is not installed). */
type Databases = { pool: IsolationPool<string>; admin: MysqlAdmin; state: MysqlServerState } | { missing: MissingPeerDependencyError };

export class StartedMysql implements AsyncDisposable {
  readonly container: StartedContainer;
  readonly #details: MysqlDetails;
  readonly #databases: Databases;
  #stopped: Promise<void> | undefined;

  /** @internal Use startMysql(). */
  constructor(container: StartedContainer, details: MysqlDetails, databases: Databases) {
    this.container = container;
    this.#details = details;
    this.#databases = databases;
  }

  /**
   * Connection details of the main database. After `container.restart()` they carry the new host
   * port; an object read before the restart keeps the old one.
   */
  get details(): MysqlDetails {
    return 'state' in this.#databases ? this.#databases.state.details : this.#details;
  }

  /** URL of the main database, for the application user. */
  get url(): string {
    return this.details.url;
  }

  /** A new database with the template's tables and seed rows, nobody else's. Needs `mysql2`. */
  async freshDatabase(options: { signal?: AbortSignal } = {}): Promise<FreshMysqlDatabase> {
    const { pool, admin, state } = this.#require('get a fresh database');
    // During a restart: wait for the server's new address.
    await admin.settled();
    this.#require('get a fresh database');
    const name = await pool.acquire(options.signal);
    const release = async () => pool.release(name);
    return {
      name,
      get details() {
        return withDatabase(state.details, name);
      },
      get url() {
        return withDatabase(state.details, name).url;
      },
      release,
      [Symbol.asyncDispose]: release,
    };
  }

  /** Idempotent: fails pending fresh-database requests, closes berth's connections, removes the container. */
  stop(options: ServiceStopOptions = {}): Promise<void> {
    this.#stopped ??= this.#stop(options);
    return this.#stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #stop(options: ServiceStopOptions): Promise<void> {
    const steps: (() => Promise<void>)[] = [];
    if ('pool' in this.#databases) {
      const { pool, admin } = this.#databases;
      steps.push(
        () => pool.close(),
        () => admin.close(),
      );
    }
    steps.push(() => this.container.stop({ leaveRunning: options.leaveRunning === true }));
    const errors: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new CleanupError(`stopping mysql ${this.container.name} failed`, errors);
  }

  #require(what: string): { pool: IsolationPool<string>; admin: MysqlAdmin; state: MysqlServerState } {
    if ('missing' in this.#databases) throw this.#databases.missing;
    if (this.#stopped) {
      throw new ContainerNotRunningError(`cannot ${what}: mysql container ${this.container.name} was stopped`, {
        details: { containerName: this.container.name, image: this.container.image },
      });
    }
    if (this.#databases.state.unusable) throw this.#databases.state.unusable;
    return this.#databases;
  }
}

/** Starts mysql/mariadb and, when `mysql2` is installed, prepares the template and warms the pool. */
export async function startMysql(options: MysqlOptions = {}, startOptions: StartMysqlOptions = {}): Promise<StartedMysql> {
  return startResolvedMysql(resolveMysqlOptions(options), startOptions);
}

export async function startResolvedMysql(
  options: ResolvedMysqlOptions,
  { signal, service, workers }: StartMysqlOptions,
): Promise<StartedMysql> {
  for (const secret of [options.password, options.rootPassword]) registerSecret(secret);
  // Setup needs the driver: fail before a container exists. Without setup, a missing driver only
  // matters to freshDatabase(), which reports it when called.
  const needsDriver = options.setup !== undefined || options.setupSql.length > 0;
  const driver: { mysql: Mysql2Module } | { missing: MissingPeerDependencyError } = needsDriver
    ? { mysql: await loadMysql2() }
    : await tryLoadMysql2();
  const spec = await mysqlSpec(options);
  const container = await start(spec, { ...(signal ? { signal } : {}), ...(service ? { service } : {}) });
  let admin: MysqlAdmin | undefined;
  try {
    const port = container.mappedPort(MYSQL_PORT);
    const main = { host: container.host, port, user: options.user, password: options.password, database: options.database };
    const details: MysqlDetails = {
      kind: 'mysql',
      flavor: options.flavor,
      ...main,
      url: mysqlUrl(main),
      rootPassword: options.rootPassword,
      containerName: container.name,
    };
    if ('missing' in driver) return new StartedMysql(container, details, driver);
    const connection = new MysqlAdmin(driver.mysql, details, {
      connections: options.poolConcurrency + 1,
      connectTimeoutMs: options.connectTimeoutMs,
    });
    admin = connection;
    const recipe = await prepareTemplate({ mysql: driver.mysql, admin: connection, main: details, options, signal });
    const print = await fingerprint(connection, options.templateDatabase);
    let counter = 0;
    const pool = new IsolationPool<string>(
      {
        // A copy cut off by a restart of the container is made again (another name) once it is back.
        create: () =>
          connection.redoAfterRestart(async () => {
            const name = `${FRESH_PREFIX}${++counter}`;
            await cloneDatabase(connection, recipe, name);
            return name;
          }),
        // Reset in place when the test left the schema alone (tens of ms), else drop (recycle.ts).
        recycle: async (name, signal) => {
          if (await resetDatabase(connection, recipe, print, name, options.releaseGraceMs, signal)) return 'reuse';
          await connection.dropDatabase(name, 'later');
          return 'gone';
        },
        retire: (name) => connection.dropDatabase(name, 'later'),
        describe: (name) => `database ${name}`,
      },
      {
        service: poolName('fresh databases', 'mysql', container.name, service),
        min: options.poolSize,
        max: Math.max(64, options.poolSize * 2),
        concurrency: options.poolConcurrency,
        acquireTimeoutMs: options.acquireTimeoutMs,
        workers,
      },
    );
    pool.warm();
    const state: MysqlServerState = { details };
    followMysqlRestarts(container, connection, state, options.templateDatabase);
    return new StartedMysql(container, details, { pool, admin: connection, state });
  } catch (error) {
    // Nothing half-made survives: the container (and the template in it) goes away.
    await admin?.close();
    await container.stop().catch(() => undefined);
    const context = { image: container.image, containerId: container.id, containerName: container.name, ...(service ? { service } : {}) };
    if (signal?.aborted && !(error instanceof BerthError)) {
      throw new AbortError(`start of mysql ${container.name} was aborted`, { cause: signal.reason, details: context });
    }
    throw withDetails(error, context, (message, opts) => new ModuleError(`preparing the template database failed: ${message}`, opts));
  }
}
