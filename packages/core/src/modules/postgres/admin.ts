/**
 * berth's own connections to the server, for database-level commands (CREATE/DROP/ALTER DATABASE).
 * A small pg pool on a maintenance database — never the main, template or a fresh database, which
 * must stay free of connections to be cloned or dropped. Idle connections do not keep the process
 * alive, and `close()` ends them all.
 */
import { type BerthError, ModuleError } from '../../errors.js';
import { debug } from '../../log.js';
import { sessionsLeftAfterGrace } from '../release-grace.js';
import { RestartGate } from '../restart-gate.js';
import type { PostgresDetails } from './details.js';
import type { PgModule, PgPool } from './driver.js';
import { type Priority, Slots } from './slots.js';

const log = debug('postgres');
/** SQLSTATE invalid_catalog_name: the database does not exist. */
const UNDEFINED_DATABASE = '3D000';
/** SQLSTATE object_in_use: DROP DATABASE without FORCE found other sessions. */
const OBJECT_IN_USE = '55006';

/** `"name"` with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export class AdminConnection {
  #pool: PgPool;
  #details: PostgresDetails;
  readonly #gate = new RestartGate();
  readonly #slots: Slots;
  readonly #strategy: 'file_copy' | 'wal_log';
  readonly #pg: PgModule;
  readonly #connectTimeoutMs: number;
  #connections: number;
  readonly #maxConnections: number;
  #version: Promise<number> | undefined;
  #closed: Promise<void> | undefined;

  constructor(
    pg: PgModule,
    details: PostgresDetails,
    options: {
      /** Statements running at once (more wait their turn); `widen()` raises it. */
      connections: number;
      /** The most `widen()` may raise `connections` to. Default `connections`. */
      maxConnections?: number;
      connectTimeoutMs: number;
      cloneStrategy: 'file_copy' | 'wal_log';
    },
  ) {
    this.#details = details;
    this.#slots = new Slots(options.connections);
    this.#connections = options.connections;
    this.#maxConnections = Math.max(options.connections, options.maxConnections ?? 0);
    this.#strategy = options.cloneStrategy;
    this.#pg = pg;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#pool = this.#open();
  }

  #open(): PgPool {
    const details = this.#details;
    const pool = new this.#pg.Pool({
      host: details.host,
      port: details.port,
      user: details.user,
      password: details.password,
      // The template may not be connected to while it is cloned, nor the main database while it
      // is snapshotted; "postgres" is neither unless the user picked it as the main database.
      database: details.database === 'postgres' ? 'template1' : 'postgres',
      // pg opens a connection only when a statement needs one; the slots decide how many do.
      max: this.#maxConnections,
      connectionTimeoutMillis: this.#connectTimeoutMs,
      idleTimeoutMillis: 10_000,
      allowExitOnIdle: true,
      application_name: 'berth-admin',
    });
    // An idle connection whose server went away (container stopped) reports here; without a
    // listener the pool would crash the process. The next query reports the problem instead.
    pool.on('error', (error) => log('idle admin connection failed: %s', error.message));
    return pool;
  }

  /** The container is about to restart: statements wait until resume() or fail(). */
  suspend(): void {
    this.#gate.close();
  }

  /** The container is back at `details` (another host port, maybe): new connections go there. */
  resume(details: PostgresDetails): void {
    const old = this.#pool;
    this.#details = details;
    this.#pool = this.#open();
    // Its connections went with the old server process; ending it only frees the client side.
    old.end().catch(() => undefined);
    this.#gate.open();
  }

  /** The container did not come back: waiting and later statements fail with `reason`. */
  fail(reason: BerthError): void {
    this.#gate.break(reason);
  }

  /** Runs `work`, once more if a restart of the container cut it off (RestartGate.redo). */
  redoAfterRestart<T>(work: () => Promise<T>): Promise<T> {
    return this.#gate.redo(work);
  }

  /** Resolves when no restart is under way (rejects when one failed). */
  settled(): Promise<void> {
    return this.#gate.pass();
  }

  /**
   * Runs one statement on a free admin connection. `later` work (dropping released databases) waits
   * behind `now` work, so clones that callers are waiting for are not held up by cleanup.
   */
  async query(sql: string, values?: unknown[], priority: Priority = 'now'): Promise<Record<string, unknown>[]> {
    if (this.#closed) throw new ModuleError(`postgres admin connection is closed (container ${this.#details.containerName})`);
    await this.#gate.pass();
    // Queue here rather than in pg's pool, whose connect timeout would also count the time spent
    // waiting for a free connection (20 releases at once would then time out).
    await this.#slots.take(priority);
    try {
      return (await this.#pool.query(sql, values)).rows;
    } finally {
      this.#slots.give();
    }
  }

  /** Lets up to `connections` statements run at once (never above `maxConnections`, never fewer than now). */
  widen(connections: number): void {
    const target = Math.min(connections, this.#maxConnections);
    if (target > this.#connections) this.#slots.add(target - this.#connections);
    this.#connections = Math.max(this.#connections, target);
  }

  /** server_version_num, e.g. 150004. */
  serverVersion(): Promise<number> {
    if (this.#version) return this.#version;
    const asked = this.query('SHOW server_version_num').then((rows) => Number(rows[0]?.server_version_num));
    this.#version = asked;
    // A failed question (the container restarting, say) is asked again next time.
    asked.catch(() => {
      if (this.#version === asked) this.#version = undefined;
    });
    return asked;
  }

  /** Clones `template` into a new database `name`. The template must have no connections. */
  async createDatabase(name: string, template: string): Promise<void> {
    const strategy = (await this.serverVersion()) >= 150000 ? ` STRATEGY ${this.#strategy}` : '';
    await this.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}${strategy}`);
  }

  /**
   * Opens one session on a new database and reads its catalogs, so the relation cache file gets
   * written and the catalogs sit in shared buffers before the first real client arrives.
   */
  async warmUp(name: string): Promise<void> {
    await this.#gate.pass();
    const { host, port, user, password } = this.#details;
    const client = new this.#pg.Client({ host, port, user, password, database: name, connectionTimeoutMillis: this.#connectTimeoutMs });
    client.on('error', () => undefined);
    await this.#slots.take('now');
    try {
      await client.connect();
      await client.query('SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid');
    } finally {
      this.#slots.give();
      await client.end().catch(() => undefined);
    }
  }

  /** Drops `name` even while clients are connected to it; no error when it does not exist. */
  async dropDatabase(name: string, priority: Priority = 'now'): Promise<void> {
    if ((await this.serverVersion()) >= 130000) {
      await this.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`, [], priority);
      return;
    }
    // Before 13: lock the database first, so that no client reconnects between the terminate and
    // the drop (a pool would), then end its sessions; DROP waits a few seconds for them to exit.
    try {
      await this.query(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS false`, [], priority);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNDEFINED_DATABASE) return;
      throw error;
    }
    await this.terminateConnections(name, priority);
    await this.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`, [], priority);
  }

  /**
   * Drops a released database without cutting off clients that are still closing: waits up to
   * `graceMs` for its sessions to leave, drops it without force, and forces (ending the sessions
   * still there, with a debug line) only when some stayed past the grace period.
   */
  async releaseDatabase(name: string, graceMs: number, priority: Priority = 'later', signal?: AbortSignal): Promise<void> {
    const left = await sessionsLeftAfterGrace(() => this.sessionCount(name, priority), graceMs, signal);
    if (left === 0) {
      try {
        await this.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`, [], priority);
        return;
      } catch (error) {
        // A client connected between the count and the drop; it is forced out below.
        if ((error as { code?: unknown }).code !== OBJECT_IN_USE) throw error;
      }
    }
    log('database %s still has %d session(s) after the %d ms release grace period: dropping it with force', name, left || 1, graceMs);
    await this.dropDatabase(name, priority);
  }

  /** Sessions connected to `name`, berth's own admin ones excepted. */
  async sessionCount(name: string, priority: Priority = 'now'): Promise<number> {
    const rows = await this.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
      priority,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Ends every session connected to `name` (except berth's own admin ones, which never are). */
  async terminateConnections(name: string, priority: Priority = 'now'): Promise<void> {
    await this.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
      priority,
    );
  }

  async allowConnections(name: string, allow: boolean): Promise<void> {
    await this.query(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS ${allow}`);
  }

  async markTemplate(name: string, isTemplate: boolean): Promise<void> {
    await this.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE ${isTemplate}`);
  }

  async databaseExists(name: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;
  }

  /** Idempotent; waits for the connections to close. */
  close(): Promise<void> {
    this.#gate.break(new ModuleError(`postgres admin connection is closed (container ${this.#details.containerName})`));
    this.#closed ??= this.#pool.end().catch((error: unknown) => log('closing admin connections: %s', String(error)));
    return this.#closed;
  }
}
