/**
 * berth's own connections to the server, as root, for database-level work (CREATE/DROP DATABASE,
 * cloning the template, grants). A small mysql2 pool with multiple statements on, so one clone is one
 * round trip; `close()` ends it, after which nothing of berth's keeps the process alive.
 */
import { type BerthError, ModuleError } from '../../errors.js';
import { debug } from '../../log.js';
import { type Priority, Slots } from '../postgres/slots.js';
import { sessionsLeftAfterGrace } from '../release-grace.js';
import { RestartGate } from '../restart-gate.js';
import type { MysqlDetails } from './details.js';
import type { Mysql2Module, MysqlPool } from './driver.js';

const log = debug('mysql');
/** ER_NO_SUCH_THREAD: the session ended by itself before KILL reached it. */
const NO_SUCH_THREAD = 1094;

/** `` `name` `` with embedded backticks doubled. */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

export class MysqlAdmin {
  #pool: MysqlPool;
  #details: MysqlDetails;
  readonly #gate = new RestartGate();
  readonly #mysql: Mysql2Module;
  readonly #options: { connections: number; connectTimeoutMs: number };
  readonly #slots: Slots;
  #closed: Promise<void> | undefined;
  #mariadb: Promise<boolean> | undefined;

  constructor(mysql: Mysql2Module, details: MysqlDetails, options: { connections: number; connectTimeoutMs: number }) {
    this.#details = details;
    this.#slots = new Slots(options.connections);
    this.#mysql = mysql;
    this.#options = options;
    this.#pool = this.#open();
  }

  #open(): MysqlPool {
    const details = this.#details;
    const { connections, connectTimeoutMs } = this.#options;
    const pool = this.#mysql.createPool({
      host: details.host,
      port: details.port,
      user: 'root',
      password: details.rootPassword,
      // Never a database berth drops: sessions on a database are killed before it is dropped.
      database: 'mysql',
      connectionLimit: connections,
      maxIdle: connections,
      idleTimeout: 10_000,
      connectTimeout: connectTimeoutMs,
      multipleStatements: true,
    });
    // Without a listener an idle connection whose server went away would crash the process; the
    // next query reports the problem instead.
    pool.on('error', (error) => log('admin connection failed: %s', error.message));
    return pool;
  }

  /** The container is about to restart: statements wait until resume() or fail(). */
  suspend(): void {
    this.#gate.close();
  }

  /** The container is back at `details` (another host port, maybe): new connections go there. */
  resume(details: MysqlDetails): void {
    const old = this.#pool;
    this.#details = details;
    this.#pool = this.#open();
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
   * Runs SQL (one or more statements) on a free admin connection. `later` work (dropping released
   * databases) waits behind `now` work, so the clones callers wait for are not held up by cleanup.
   */
  async query(sql: string, values?: unknown[], priority: Priority = 'now'): Promise<Record<string, unknown>[]> {
    if (this.#closed) throw new ModuleError(`mysql admin connection is closed (container ${this.#details.containerName})`);
    await this.#gate.pass();
    await this.#slots.take(priority);
    try {
      const [rows] = await this.#pool.query(sql, values);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    } finally {
      this.#slots.give();
    }
  }

  /** Like query(), for several statements: the rows of each statement's result, in order. */
  async queryResults(sql: string, values?: unknown[], priority: Priority = 'now'): Promise<Record<string, unknown>[][]> {
    if (this.#closed) throw new ModuleError(`mysql admin connection is closed (container ${this.#details.containerName})`);
    await this.#gate.pass();
    await this.#slots.take(priority);
    try {
      const [results] = await this.#pool.query(sql, values);
      return (Array.isArray(results) ? results : [results]).map((r) => (Array.isArray(r) ? (r as Record<string, unknown>[]) : []));
    } finally {
      this.#slots.give();
    }
  }

  /**
   * Runs a multi-statement script that may `USE` another database (so that unqualified names, e.g.
   * in foreign keys, resolve there), then switches back to `mysql`. A connection that fails midway
   * is destroyed rather than returned to the pool still using that database.
   */
  async runScript(sql: string, priority: Priority = 'now'): Promise<void> {
    if (this.#closed) throw new ModuleError(`mysql admin connection is closed (container ${this.#details.containerName})`);
    await this.#gate.pass();
    await this.#slots.take(priority);
    try {
      const connection = await this.#pool.getConnection();
      try {
        await connection.query(`${sql};\nUSE mysql`);
      } catch (error) {
        connection.destroy();
        throw error;
      }
      connection.release();
    } finally {
      this.#slots.give();
    }
  }

  /** True for MariaDB (whatever the image is called), false for MySQL. */
  isMariadb(): Promise<boolean> {
    if (this.#mariadb) return this.#mariadb;
    const asked = this.query('SELECT VERSION() AS version').then((rows) => /mariadb/i.test(String(rows[0]?.version)));
    this.#mariadb = asked;
    // A failed question (the container restarting, say) is asked again next time.
    asked.catch(() => {
      if (this.#mariadb === asked) this.#mariadb = undefined;
    });
    return asked;
  }

  /** Sessions using `name`, berth's own excepted. */
  async sessionCount(name: string, priority: Priority = 'now'): Promise<number> {
    const rows = await this.query(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [name],
      priority,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Waits up to `graceMs` for the sessions using a released database to leave on their own (a
   * suite closing its pool without awaiting it), then ends those still there, with a debug line.
   */
  async endSessionsAfterGrace(name: string, graceMs: number, signal?: AbortSignal): Promise<void> {
    const left = await sessionsLeftAfterGrace(() => this.sessionCount(name), graceMs, signal);
    if (left === 0) return;
    log('database %s still has %d session(s) after the %d ms release grace period: ending them', name, left, graceMs);
    await this.killSessions(name);
  }

  /** Ends every session using `name` (a session inside a transaction would hold locks on its tables). */
  async killSessions(name: string, priority: Priority = 'now'): Promise<void> {
    const sessions = await this.query(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [name],
      priority,
    );
    for (const { id } of sessions) {
      await this.query(`KILL ${Number(id)}`, [], priority).catch((error: unknown) => {
        if ((error as { errno?: unknown }).errno !== NO_SUCH_THREAD) throw error;
      });
    }
  }

  /** Drops `name` even while clients are connected to it; no error when it does not exist. */
  async dropDatabase(name: string, priority: Priority = 'now'): Promise<void> {
    // An idle session does not block DROP DATABASE, but one inside a transaction holds metadata
    // locks on its tables and would make the drop wait: end every session using the database.
    await this.killSessions(name, priority);
    await this.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`, [], priority);
  }

  /** Idempotent; waits for the connections to close. */
  close(): Promise<void> {
    this.#gate.break(new ModuleError(`mysql admin connection is closed (container ${this.#details.containerName})`));
    this.#closed ??= this.#pool.end().catch((error: unknown) => log('closing admin connections: %s', String(error)));
    return this.#closed;
  }
}
