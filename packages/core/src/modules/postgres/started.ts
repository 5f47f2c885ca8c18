/**
 * `startPostgres()`: a postgres container for core-only users, with its connection details, fresh
 * databases cloned from a template, and snapshots of the main database. The service definition
 * (service.ts) is a thin layer over this.
 */
import { config } from '../../config.js';
import type { StartedContainer } from '../../container/handle.js';
import { reuseWanted } from '../../container/reuse.js';
import type { ServiceReuse } from '../../container/reuse-report.js';
import { start } from '../../container/start.js';
import { getEngine } from '../../engine/index.js';
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
import { type IsolationPool, poolName } from '../../services/pool.js';
import { AdminConnection } from './admin.js';
import { POSTGRES_PORT, postgresSpec } from './container-spec.js';
import { type PostgresDetails, postgresUrl, withDatabase } from './details.js';
import { loadPg, type PgModule, tryLoadPg } from './driver.js';
import { adminConnectionOptions, freshDatabasePool } from './fresh-pool.js';
import { CACHE_REPO, type CachePlan, commitCache, planCache } from './image-cache.js';
import { type PostgresOptions, type ResolvedPostgresOptions, resolvePostgresOptions } from './options.js';
import { followRestarts, type PostgresServerState } from './restart.js';
import { prepareSharedTemplate, type SharedRun } from './shared-template.js';
import { restoreSnapshot, takeSnapshot } from './snapshot.js';
import { prepareTemplate } from './template.js';

export interface StartPostgresOptions {
  signal?: AbortSignal;
  /** Name used in errors and logs (adapters pass the service's name). */
  service?: string;
  /** Test workers of the run: the pool keeps four fresh databases ready per worker. */
  workers?: number;
}

/**
 * A database of its own, cloned from the template. Dropped by `release()` or `await using`.
 * `details` and `url` follow a restart of the container (another host port); a copy of `details`
 * taken earlier keeps the old port.
 */
export interface FreshDatabase extends AsyncDisposable {
  readonly name: string;
  readonly details: PostgresDetails;
  readonly url: string;
  /**
   * Gives the database back. Returns at once: it is dropped in the background (connected clients
   * are disconnected then). Idempotent.
   */
  release(): Promise<void>;
}

/**
 * Either the means to make databases, or the reason there are none (pg is not installed).
 * `state.template` settles when the template database is ready (or could not be made); fresh
 * databases, snapshots and restores wait for it. `shared` is this run's hold on a reused or cached
 * server.
 */
type Databases =
  | { pool: IsolationPool<string>; admin: AdminConnection; state: PostgresServerState; shared?: SharedRun }
  | { missing: MissingPeerDependencyError };

export class StartedPostgres implements AsyncDisposable {
  readonly container: StartedContainer;
  readonly #details: PostgresDetails;
  readonly #databases: Databases;
  readonly #reuseOption: boolean | undefined;
  readonly #cache: string | undefined;
  #stopped: Promise<void> | undefined;

  /** @internal Use startPostgres(). */
  constructor(container: StartedContainer, details: PostgresDetails, databases: Databases, reuseOption?: boolean, cache?: string) {
    this.container = container;
    this.#reuseOption = reuseOption;
    this.#cache = cache;
    this.#details = details;
    this.#databases = databases;
  }

  /**
   * Connection details of the main database. After `container.restart()` they carry the new host
   * port; an object read before the restart keeps the old one.
   */
  get details(): PostgresDetails {
    return 'state' in this.#databases ? this.#databases.state.details : this.#details;
  }

  /** What reuse did for this start (container and template), or undefined when reuse was not asked for. */
  get reuse(): ServiceReuse | undefined {
    const container = this.container.reuse;
    if (!container) {
      const wanted = reuseWanted({ ...(this.#reuseOption === undefined ? {} : { reuse: this.#reuseOption }) }, config(), {
        service: this.container.name,
      });
      const skipped = !wanted.reuse && wanted.reason.startsWith('CI') ? wanted.reason : undefined;
      if (!skipped && !this.#cache) return undefined;
      return { ...(skipped ? { skipped } : {}), ...(this.#cache ? { cache: this.#cache } : {}) };
    }
    const shared = 'shared' in this.#databases ? this.#databases.shared : undefined;
    return { container, ...(shared ? { template: shared.templateState } : {}) };
  }

  /** URL of the main database. */
  get url(): string {
    return this.details.url;
  }

  /** A new database with the template's schema and data, nobody else's. Needs `pg`. */
  async freshDatabase(options: { signal?: AbortSignal } = {}): Promise<FreshDatabase> {
    const { pool, admin, state } = this.#require('get a fresh database');
    // During a restart: wait for the server's new address, and for a template the restart lost.
    await admin.settled();
    await state.template.catch(() => undefined);
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

  /** Copies the main database into a snapshot (default name `default`), replacing an older one. */
  async snapshot(name = 'default'): Promise<void> {
    const { admin, state } = this.#require('take a snapshot');
    await state.template;
    await takeSnapshot(admin, this.details.database, name);
  }

  /** Replaces the main database with the snapshot's copy. Sessions on the main database are ended. */
  async restore(name = 'default'): Promise<void> {
    const { admin, state } = this.#require('restore a snapshot');
    await state.template;
    await restoreSnapshot(admin, this.details.database, name);
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
      const { pool, admin, state, shared } = this.#databases;
      steps.push(
        () => pool.close(),
        // A template still being made in the background finishes (or fails) before its connection goes.
        () => state.template.catch(() => undefined),
      );
      // On a reused server: this run's databases go, the server and its template stay.
      if (shared) steps.push(() => shared.close());
      steps.push(() => admin.close());
    }
    steps.push(() => this.container.stop({ leaveRunning: options.leaveRunning === true }));
    const errors: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new CleanupError(`stopping postgres ${this.container.name} failed`, errors);
  }

  #require(what: string): { pool: IsolationPool<string>; admin: AdminConnection; state: PostgresServerState } {
    if ('missing' in this.#databases) throw this.#databases.missing;
    if (this.#stopped) {
      throw new ContainerNotRunningError(`cannot ${what}: postgres container ${this.container.name} was stopped`, {
        details: { containerName: this.container.name, image: this.container.image },
      });
    }
    if (this.#databases.state.unusable) throw this.#databases.state.unusable;
    return this.#databases;
  }
}

/**
 * Starts postgres and, when `pg` is installed, prepares the template and warms the pool. Without a
 * `setup` hook or `setupSql` it resolves at the server's ready line and makes the template in the
 * background (fresh databases wait for it); with them it resolves once they ran, so their errors fail
 * the start.
 */
export async function startPostgres(options: PostgresOptions = {}, startOptions: StartPostgresOptions = {}): Promise<StartedPostgres> {
  return startResolved(resolvePostgresOptions(options), startOptions);
}

export async function startResolved(
  options: ResolvedPostgresOptions,
  { signal, service, workers }: StartPostgresOptions,
): Promise<StartedPostgres> {
  registerSecret(options.password);
  // Setup needs the driver: fail before a container exists. Without setup, a missing driver only
  // matters to freshDatabase()/snapshot(), which report it when called.
  const needsDriver = options.setup !== undefined || options.setupSql.length > 0;
  const driver: { pg: PgModule } | { missing: MissingPeerDependencyError } = needsDriver ? { pg: await loadPg() } : await tryLoadPg();
  const generated = await postgresSpec(options);
  // The image cache serves fresh containers; a reused container needs none.
  const cache =
    options.cache && !reuseWanted(generated, config(), { service }).reuse
      ? await planCache(await getEngine(), options, generated, signal)
      : undefined;
  const spec = cache?.spec ?? generated;
  const container = await start(spec, { ...(signal ? { signal } : {}), ...(service ? { service } : {}) });
  let admin: AdminConnection | undefined;
  try {
    const port = container.mappedPort(POSTGRES_PORT);
    const main = { host: container.host, port, user: options.user, password: options.password, database: options.database };
    const details: PostgresDetails = { kind: 'postgres', ...main, url: postgresUrl(main), containerName: container.name };
    if ('missing' in driver) return new StartedPostgres(container, details, driver, options.reuse);
    const connection = new AdminConnection(driver.pg, details, adminConnectionOptions(options));
    admin = connection;
    const reuse = container.reuse;
    const cached = cache?.use ? cache : undefined;
    let shared: SharedRun | undefined;
    let template: Promise<void>;
    if (reuse || cached) {
      // A keyed template on a reused or cached server usually exists already: settle it before
      // resolving, so the run's first line can say whether it was reused.
      shared = await prepareSharedTemplate({
        pg: driver.pg,
        admin: connection,
        main: details,
        options,
        signal,
        fresh: reuse ? reuse.action === 'created' : !cached?.hit,
      });
      if (cached && !cached.hit) await commitCache(await getEngine(), connection, container.id, cached, signal);
      template = Promise.resolve();
    } else {
      template = prepareTemplate({ pg: driver.pg, admin: connection, main: details, options, signal });
      // Waited for below, or by the first fresh database; never an unhandled rejection meanwhile.
      template.catch(() => undefined);
      if (needsDriver) await template;
    }
    const state: PostgresServerState = { details, template };
    const pool = freshDatabasePool(connection, options, {
      service: poolName('fresh databases', 'postgres', container.name, service),
      template: () => state.template,
      templateName: shared?.template ?? options.templateDatabase,
      // Per-run names on a shared server, so runs never see each other's databases.
      prefix: shared?.prefix ?? 'berth_fresh_',
      workers,
    });
    pool.warm();
    const templateName = shared?.template ?? options.templateDatabase;
    followRestarts({
      container,
      admin: connection,
      pool,
      state,
      templateName,
      remake: shared ? undefined : (main) => prepareTemplate({ pg: driver.pg, admin: connection, main, options, signal: undefined }),
      awaitTemplate: needsDriver,
      reused: reuse !== undefined,
    });
    return new StartedPostgres(
      container,
      details,
      { pool, admin: connection, state, ...(shared ? { shared } : {}) },
      options.reuse,
      cacheText(cache),
    );
  } catch (error) {
    // Nothing half-made survives: the container (and the template in it) goes away.
    await admin?.close();
    await container.stop().catch(() => undefined);
    const context = { image: container.image, containerId: container.id, containerName: container.name, ...(service ? { service } : {}) };
    if (signal?.aborted && !(error instanceof BerthError)) {
      throw new AbortError(`start of postgres ${container.name} was aborted`, { cause: signal.reason, details: context });
    }
    throw withDetails(error, context, (message, opts) => new ModuleError(`preparing the template database failed: ${message}`, opts));
  }
}

function cacheText(cache: CachePlan | undefined): string | undefined {
  if (!cache) return undefined;
  if (!cache.use) return `image cache off: ${cache.reason}`;
  return cache.hit ? `image cache hit ${CACHE_REPO}:${cache.tag}` : `image cache miss, committed ${CACHE_REPO}:${cache.tag}`;
}
