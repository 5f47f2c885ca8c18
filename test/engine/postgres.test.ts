// The postgres module against the real engine, on every version of BERTH_PG_VERSIONS (see
// test/support/postgres-versions.ts): one container per version with init scripts, settings,
// setupSql and a setup hook, shared by the tests below; fresh databases, snapshots, and readiness
// again after a restart (an already-initialised data directory: one "ready" line only).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type StartedPostgres, startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../support/budget.js';
import { labelled } from '../support/docker.js';
import { POSTGRES_VERSIONS } from '../support/postgres-versions.js';

const TABLES = 20;
/** Released databases are dropped in the background; on a busy machine (and before 13, three statements) that takes a while. */
const DROPPED = poll(30_000, 100);
/** How long a released database's client takes to close on its own: well inside the 2 s grace period. */
const CLOSING_MS = 300;
let db: StartedPostgres;
let setupUrls: string[] = [];

async function query<T = Record<string, unknown>>(url: string, sql: string, values?: unknown[]): Promise<T[]> {
  // Generous: engine tests share a small, busy machine; a hang still ends here.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function databases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(db.url, 'SELECT datname FROM pg_database ORDER BY datname');
  return rows.map((r) => r.datname);
}

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe.each(POSTGRES_VERSIONS)('$image', ({ tag, image }) => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-pg-init-'));
    const single = join(dir, 'single.sql');
    writeFileSync(single, "CREATE TABLE from_init_file (note text); INSERT INTO from_init_file VALUES ('init');");
    const initDir = join(dir, 'initdb');
    mkdirSync(initDir);
    writeFileSync(join(initDir, 'z-last.sql'), 'CREATE TABLE from_init_dir (id int);');
    const setupSql = join(dir, 'setup.sql');
    writeFileSync(setupSql, 'CREATE TABLE from_setup_sql (id serial primary key, owner text);');
    setupUrls = [];
    db = await startPostgres({
      image,
      initScripts: [single, initDir],
      tuneForTests: true,
      settings: { work_mem: '8MB' },
      setupSql: [setupSql],
      setup: async (url) => {
        setupUrls.push(url);
        const client = new pg.Client({ connectionString: url });
        client.on('error', () => undefined);
        await client.connect();
        for (let i = 0; i < TABLES; i++) await client.query(`CREATE TABLE t${i} (id serial primary key, name text)`);
        await client.query("INSERT INTO t0 (name) VALUES ('from setup')");
        // Deliberately left open: berth must end it before cloning the template.
        setTimeout(() => void client.end(), 60_000).unref();
      },
    });
  });

  afterAll(async () => {
    await db?.stop();
  });

  describe('startPostgres', () => {
    it('gives JSON connection details that a driver connects with', async () => {
      expect(JSON.parse(JSON.stringify(db.details))).toEqual(db.details);
      expect(db.details).toMatchObject({ kind: 'postgres', user: 'test', password: 'test', database: 'test', host: '127.0.0.1' });
      expect(db.url).toBe(`postgres://test:test@127.0.0.1:${db.details.port}/test`);
      expect(db.details.containerName).toBe(db.container.name);
      const [row] = await query<{ db: string; one: number }>(db.url, 'SELECT current_database() AS db, 1 AS one');
      expect(row).toEqual({ db: 'test', one: 1 });
    });

    it('runs the server its tag names, hashing passwords as that version does by default', async () => {
      const [row] = await query<{ version: number; hash: string }>(
        db.url,
        "SELECT current_setting('server_version_num')::int AS version, (SELECT rolpassword FROM pg_authid WHERE rolname = current_user) AS hash",
      );
      const major = Number.parseInt(tag.split(':').at(-1) ?? '', 10);
      expect(Math.floor(Number(row?.version) / 10_000)).toBe(major);
      // md5 before 14, scram-sha-256 from 14 on (the official images follow the server's default).
      expect(row?.hash).toMatch(major < 14 ? /^md5[0-9a-f]{32}$/ : /^SCRAM-SHA-256\$/);
    });

    it('runs init scripts, setupSql and the setup hook; the main database has the same schema', async () => {
      expect(setupUrls).toEqual([`postgres://test:test@127.0.0.1:${db.details.port}/berth_template`]);
      const tables = await query<{ n: string }>(db.url, "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'");
      // t0..t19, from_setup_sql, from_init_file, from_init_dir
      expect(Number(tables[0]?.n)).toBe(TABLES + 3);
      expect(await query(db.url, 'SELECT note FROM from_init_file')).toEqual([{ note: 'init' }]);
      expect(await query(db.url, 'SELECT name FROM t0')).toEqual([{ name: 'from setup' }]);
    });

    it('applies server settings and the test tuning', async () => {
      const rows = await query<{ name: string; setting: string }>(
        db.url,
        "SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['fsync','synchronous_commit','full_page_writes','work_mem']) AS name",
      );
      expect(Object.fromEntries(rows.map((r) => [r.name, r.setting]))).toEqual({
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        work_mem: '8MB',
      });
    });

    it('keeps the data directory in memory under the test tuning', async () => {
      const [row] = await query<{ data_directory: string }>(db.url, 'SHOW data_directory');
      expect(row?.data_directory).toBe('/var/lib/postgresql/data');
      const mounts = await db.container.exec(['cat', '/proc/mounts']);
      expect(mounts.stdout).toMatch(/^tmpfs \/var\/lib\/postgresql\/data tmpfs /m);
    });

    it('locks the template against connections', async () => {
      const [template] = await query(db.url, "SELECT datallowconn, datistemplate FROM pg_database WHERE datname = 'berth_template'");
      expect(template).toEqual({ datallowconn: false, datistemplate: true });
      await expect(query(db.url.replace(/\/test$/, '/berth_template'), 'SELECT 1')).rejects.toThrow(/not currently accepting connections/);
    });
  });

  describe('fresh databases', () => {
    it('hands 20 concurrent requests 20 different databases, each with the template but not the others’ writes', async () => {
      const fresh = await Promise.all(Array.from({ length: 20 }, () => db.freshDatabase()));
      try {
        expect(new Set(fresh.map((f) => f.name)).size).toBe(20);
        await Promise.all(fresh.map((f, i) => query(f.url, 'INSERT INTO from_setup_sql (owner) VALUES ($1)', [`writer-${i}`])));
        for (const [i, f] of fresh.entries()) {
          expect(f.details).toEqual({ ...db.details, database: f.name, url: f.url });
          expect(await query(f.url, 'SELECT owner FROM from_setup_sql')).toEqual([{ owner: `writer-${i}` }]);
          expect(await query(f.url, 'SELECT name FROM t0')).toEqual([{ name: 'from setup' }]);
        }
        expect(await query(db.url, 'SELECT owner FROM from_setup_sql')).toEqual([]);
      } finally {
        await Promise.all(fresh.map((f) => f.release()));
      }
      // Given back at once; dropped in the background, shortly after.
      await expect
        .poll(async () => {
          const left = await databases();
          return fresh.filter((f) => left.includes(f.name));
        }, DROPPED)
        .toEqual([]);
    });

    it('drops a released database even while a client is still connected to it', async () => {
      const fresh = await db.freshDatabase();
      const client = new pg.Client({ connectionString: fresh.url });
      client.on('error', () => undefined);
      await client.connect();
      await fresh.release();
      await fresh.release();
      await expect.poll(databases, DROPPED).not.toContain(fresh.name);
      await expect(client.query('SELECT 1')).rejects.toThrow();
      await client.end().catch(() => undefined);
      await expect(query(fresh.url, 'SELECT 1')).rejects.toThrow(/does not exist/);
    });

    it('leaves alone a client that closes on its own shortly after the release (release grace period)', async () => {
      const fresh = await db.freshDatabase();
      const client = new pg.Client({ connectionString: fresh.url });
      const errors: Error[] = [];
      client.on('error', (error) => errors.push(error));
      await client.connect();
      await fresh.release();
      // The suite's pool is still closing (an unawaited end()): its connection works meanwhile.
      await sleep(CLOSING_MS);
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
      expect(errors).toEqual([]);
      await expect.poll(databases, DROPPED).not.toContain(fresh.name);
    });

    it('works with `await using`', async () => {
      let name = '';
      {
        await using fresh = await db.freshDatabase();
        name = fresh.name;
        expect(await query(fresh.url, 'SELECT current_database() AS d')).toEqual([{ d: name }]);
      }
      await expect.poll(databases, DROPPED).not.toContain(name);
    });
  });

  describe('snapshot and restore', () => {
    it('resets the main database to the snapshot, ending open sessions', async () => {
      await query(db.url, "INSERT INTO from_setup_sql (owner) VALUES ('before')");
      await db.snapshot();
      const holder = new pg.Client({ connectionString: db.url });
      holder.on('error', () => undefined);
      await holder.connect();
      await query(db.url, "INSERT INTO from_setup_sql (owner) VALUES ('after')");
      await db.restore();
      expect(await query(db.url, 'SELECT owner FROM from_setup_sql ORDER BY id')).toEqual([{ owner: 'before' }]);
      await expect(holder.query('SELECT 1')).rejects.toThrow();
      await holder.end().catch(() => undefined);
      // Restoring twice gives the same state; named snapshots sit side by side.
      await db.snapshot('second');
      await query(db.url, 'DELETE FROM from_setup_sql');
      await db.restore();
      expect(await query(db.url, 'SELECT owner FROM from_setup_sql')).toEqual([{ owner: 'before' }]);
      await db.restore('second');
      expect(await query(db.url, 'SELECT owner FROM from_setup_sql')).toEqual([{ owner: 'before' }]);
    });

    it('names a missing snapshot', async () => {
      await expect(db.restore('nope')).rejects.toThrow(/no snapshot named "nope".*\n[\s\S]*hint: call snapshot\("nope"\)/);
    });
  });

  describe('readiness', () => {
    it('waits for the real server again after a restart (data directory already initialised)', async () => {
      await using other = await startPostgres({ image, poolSize: 0 });
      await other.container.restart();
      const tail = other.container.logTail().join('\n');
      expect(tail).toContain('Skipping initialization');
      expect(tail.match(/ready to accept connections/g)).toHaveLength(1);
      // The engine may publish a new host port on restart; the container handle has re-read it.
      const url = other.url.replace(`:${other.details.port}/`, `:${other.container.mappedPort(5432)}/`);
      expect(await query(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });
  });
});

describe("the README's postgres:10.10", () => {
  it('starts under that exact name and hands out fresh databases', async () => {
    await using ten = await startPostgres({ image: 'postgres:10.10', poolSize: 1 });
    const [row] = await query<{ version: string }>(ten.url, "SELECT current_setting('server_version_num') AS version");
    expect(row?.version).toMatch(/^100\d\d\d$/);
    await using fresh = await ten.freshDatabase();
    expect(await query(fresh.url, 'SELECT current_database() AS d')).toEqual([{ d: fresh.name }]);
  });
});
