// The mysql module against the real engine (mysql:8 and mariadb:11; stand-ins from Debian's
// mariadb-server on our machines): init scripts, settings, setupSql and a setup hook on one shared
// container; readiness past the init server; fresh databases copied from the template, reset and
// handed out again, or dropped when a test changed their schema.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FreshMysqlDatabase, mysql, type StartedMysql, startMysql } from '@berth/core/mysql';
import mysql2 from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

const TABLES = 20;
/** How long a released database's client takes to close on its own: well inside the 2 s grace period. */
const CLOSING_MS = 300;
let db: StartedMysql;
const setupUrls: string[] = [];

async function query<T = Record<string, unknown>>(url: string, sql: string, values?: unknown[]): Promise<T[]> {
  const connection = await mysql2.createConnection({ uri: url, connectTimeout: 30_000 });
  try {
    const [rows] = await connection.query(sql, values);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

async function schemas(): Promise<string[]> {
  const rootUrl = db.url.replace(/^mysql:\/\/[^@]+@/, `mysql://root:${db.details.rootPassword}@`);
  return (await query<{ name: string }>(rootUrl, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA')).map((r) => r.name);
}

/**
 * Fresh databases until `name` comes back (it does once its reset is done); the others are held
 * meanwhile, so the pool cannot hand out the same ones again, and released at the end.
 */
async function acquireUntil(name: string): Promise<FreshMysqlDatabase> {
  const held: FreshMysqlDatabase[] = [];
  try {
    for (const began = performance.now(); performance.now() - began < budget(20_000); ) {
      const fresh = await db.freshDatabase();
      if (fresh.name === name) return fresh;
      held.push(fresh);
    }
    throw new Error(`${name} was not handed out again within ${budget(20_000)} ms (got ${held.map((f) => f.name).join(', ')})`);
  } finally {
    await Promise.all(held.map((f) => f.release()));
  }
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-mysql-init-'));
  const single = join(dir, 'single.sql');
  writeFileSync(single, "CREATE TABLE from_init_file (note text); INSERT INTO from_init_file VALUES ('init');");
  const initDir = join(dir, 'initdb');
  mkdirSync(initDir);
  writeFileSync(join(initDir, 'z-last.sql'), 'CREATE TABLE from_init_dir (id int);');
  const setupSql = join(dir, 'setup.sql');
  writeFileSync(setupSql, 'CREATE TABLE from_setup_sql (id int AUTO_INCREMENT PRIMARY KEY, owner varchar(50));');
  db = await startMysql({
    image: testImage('mysql:8'),
    initScripts: [single, initDir],
    tuneForTests: true,
    settings: { max_connections: 77 },
    setupSql: [setupSql],
    setup: async (url) => {
      setupUrls.push(url);
      const connection = await mysql2.createConnection(url);
      for (let i = 0; i < TABLES; i++) {
        const parent = i > 0 ? `, parent_id int, FOREIGN KEY (parent_id) REFERENCES t${i - 1}(id)` : '';
        await connection.query(`CREATE TABLE t${i} (id int AUTO_INCREMENT PRIMARY KEY, name varchar(50)${parent})`);
      }
      await connection.query("INSERT INTO t0 (name) VALUES ('from setup')");
      await connection.end();
    },
  });
});

afterAll(async () => {
  await db?.stop();
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('startMysql', () => {
  it('gives JSON connection details that a driver connects with, as the application user', async () => {
    expect(JSON.parse(JSON.stringify(db.details))).toEqual(db.details);
    expect(db.details).toMatchObject({
      kind: 'mysql',
      flavor: 'mysql',
      user: 'test',
      password: 'test',
      database: 'test',
      host: '127.0.0.1',
    });
    expect(db.url).toBe(`mysql://test:test@127.0.0.1:${db.details.port}/test`);
    const [row] = await query<{ db: string; user: string }>(db.url, 'SELECT DATABASE() AS db, CURRENT_USER() AS user');
    expect(row).toEqual({ db: 'test', user: 'test@%' });
  });

  it('became ready on the real server, not on the init server (networking off, port 0)', async () => {
    const lines = db.container.logTail(500).filter((l) => /Version: '.*port: \d+/.test(l));
    expect(lines.map((l) => /port: (\d+)/.exec(l)?.[1])).toEqual(['0', '3306']);
  });

  it('runs init scripts, setupSql and the setup hook; the main database has the same schema', async () => {
    expect(setupUrls).toEqual([`mysql://test:test@127.0.0.1:${db.details.port}/berth_template`]);
    const [tables] = await query<{ n: number }>(
      db.url,
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    );
    expect(Number(tables?.n)).toBe(TABLES + 3);
    expect(await query(db.url, 'SELECT note FROM from_init_file')).toEqual([{ note: 'init' }]);
    expect(await query(db.url, 'SELECT name FROM t0')).toEqual([{ name: 'from setup' }]);
  });

  it('applies server settings and the test tuning', async () => {
    const [row] = await query(
      db.url,
      'SELECT @@max_connections AS max, @@innodb_flush_log_at_trx_commit AS flush, @@innodb_file_per_table AS perTable',
    );
    expect(row).toEqual({ max: 77, flush: 0, perTable: 0 });
  });
});

describe('fresh databases', () => {
  it('hands 20 concurrent requests 20 different databases with the template, foreign keys and seed rows', async () => {
    const fresh = await Promise.all(Array.from({ length: 20 }, () => db.freshDatabase()));
    try {
      expect(new Set(fresh.map((f) => f.name)).size).toBe(20);
      await Promise.all(fresh.map((f, i) => query(f.url, 'INSERT INTO from_setup_sql (owner) VALUES (?)', [`writer-${i}`])));
      for (const [i, f] of fresh.entries()) {
        expect(f.details).toEqual({ ...db.details, database: f.name, url: f.url });
        expect(await query(f.url, 'SELECT owner FROM from_setup_sql')).toEqual([{ owner: `writer-${i}` }]);
        expect(await query(f.url, 'SELECT name FROM t0')).toEqual([{ name: 'from setup' }]);
      }
      await expect(query(fresh[0]?.url ?? '', 'INSERT INTO t1 (name, parent_id) VALUES (?, 999)', ['orphan'])).rejects.toThrow(
        /foreign key constraint fails/,
      );
      expect(await query(db.url, 'SELECT owner FROM from_setup_sql')).toEqual([]);
    } finally {
      await Promise.all(fresh.map((f) => f.release()));
    }
  });

  it('a client that closes on its own shortly after the release is not cut off (release grace period)', async () => {
    const fresh = await db.freshDatabase();
    const client = await mysql2.createConnection(fresh.url);
    const errors: unknown[] = [];
    client.on('error', (error) => errors.push(error));
    await client.query('SELECT 1');
    await fresh.release();
    // The suite's pool is still closing (an unawaited end()): its connection works meanwhile.
    await sleep(CLOSING_MS);
    expect(await client.query('SELECT 1 AS one').then(([rows]) => rows)).toEqual([{ one: 1 }]);
    await client.end();
    expect(errors).toEqual([]);
    // Then the database is reset and handed out again.
    const again = await acquireUntil(fresh.name);
    await again.release();
  });

  it('a released database comes back as a copy of the template: rows, counters, no sessions', async () => {
    const first = await db.freshDatabase();
    await query(first.url, "INSERT INTO t0 (name) VALUES ('extra'), ('more')");
    await query(first.url, "INSERT INTO t5 (name) VALUES ('five')");
    const holder = await mysql2.createConnection(first.url);
    holder.on('error', () => undefined);
    await holder.query('START TRANSACTION');
    await holder.query("INSERT INTO t7 (name) VALUES ('uncommitted')");
    await first.release();
    await first.release();
    // The release returns before the reset (the pool resets in the background); a session that
    // stays past the release grace period (2 s, scaled) is ended.
    await expect
      .poll(
        () =>
          holder.query('SELECT 1').then(
            () => 'open',
            () => 'ended',
          ),
        poll(),
      )
      .toBe('ended');
    holder.destroy();

    const again = await acquireUntil(first.name);
    try {
      expect(again.name).toBe(first.name);
      expect(await query(again.url, 'SELECT name FROM t0 ORDER BY id')).toEqual([{ name: 'from setup' }]);
      expect(await query(again.url, 'SELECT COUNT(*) AS n FROM t5')).toEqual([{ n: 0 }]);
      await query(again.url, "INSERT INTO t5 (name) VALUES ('first again')");
      expect(await query(again.url, 'SELECT id FROM t5')).toEqual([{ id: 1 }]);
      await query(again.url, "INSERT INTO t0 (name) VALUES ('second')");
      expect(await query(again.url, "SELECT id FROM t0 WHERE name = 'second'")).toEqual([{ id: 2 }]);
    } finally {
      await again.release();
    }
  });

  it('a database whose schema a test changed is dropped, never handed out again', async () => {
    const changed = await db.freshDatabase();
    await query(changed.url, 'ALTER TABLE t3 ADD COLUMN extra int');
    await changed.release();
    await expect.poll(schemas, poll(30_000, 100)).not.toContain(changed.name);
    await using next = await db.freshDatabase();
    expect(next.name).not.toBe(changed.name);
    expect(
      await query(
        next.url,
        "SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'extra'",
      ),
    ).toEqual([{ n: 0 }]);
  });
});

describe('mariadb images and the service definition', () => {
  it('mariadb:11 gets the MARIADB_* variables; mysql() leases fresh databases and stops', async () => {
    const image = testImage('mariadb:11');
    const definition = mysql({ image, poolSize: 1, tuneForTests: true });
    expect(definition).toMatchObject({ kind: 'mysql', image });
    const running = await definition.start({ name: 'db' });
    try {
      expect(running.details.flavor).toBe('mariadb');
      const env: string[] = JSON.parse(await docker('inspect', '--format', '{{json .Config.Env}}', running.details.containerName));
      expect(env).toEqual(expect.arrayContaining(['MARIADB_ROOT_PASSWORD=test', 'MARIADB_DATABASE=test', 'MARIADB_USER=test']));
      expect(env.some((e) => e.startsWith('MYSQL_'))).toBe(false);
      const isolation = running.isolation;
      if (!isolation) throw new Error('mysql() should offer isolation');
      const leases = await Promise.all([isolation.acquire(), isolation.acquire()]);
      expect(new Set(leases.map((l) => l.id)).size).toBe(2);
      for (const lease of leases) {
        expect(await query(lease.details.url, 'SELECT DATABASE() AS d')).toEqual([{ d: lease.id }]);
      }
      await Promise.all(leases.map((l) => isolation.release(l.id)));
      await isolation.release('never-leased');
    } finally {
      await running.stop();
      await running.stop();
    }
    expect(await docker('ps', '-aq', '--filter', `name=^${running.details.containerName}$`)).toBe('');
  });
});
