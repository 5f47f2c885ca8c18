/**
 * Issue "Databases on real servers", mysql part: how long a test waits for a clean mysql database
 * on a 20-table template (tables chained by foreign keys, seed rows in the first), four ways:
 *
 * - berth fresh database: `freshDatabase()` from the warm pool, connect, first query (the handout);
 *   4 clients share the requests (200 in a full run), each releasing its database before the next
 *   (berth resets a released database to the template and hands it out again, or drops it, in the
 *   background); the release, which returns at once, is timed on its own.
 * - truncate all tables: the usual alternative, each client on a database of its own (a worker's):
 *   TRUNCATE the 20 tables (foreign key checks off), re-insert the seed row, connect, first query.
 * - a new container per test: startMysql() with the same setup until a first query answers.
 * - the two ways of copying the template measured on the server itself (one round trip each): replay
 *   of SHOW CREATE TABLE's DDL (berth's choice; keeps foreign keys) against CREATE TABLE ... LIKE per
 *   table (drops them), both followed by INSERT ... SELECT of the seed rows.
 *
 * Needs the mysql:8 image (a stand-in from Debian's mariadb-server on the project's machines).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';

const CORE_DIR = fileURLToPath(new URL('../../packages/core/', import.meta.url));
/** mysql2 comes from @berth/core's own dev dependencies: the bench adds nothing to the root. */
const mysql2 = createRequire(`${CORE_DIR}package.json`)('mysql2/promise');

const TABLES = 20;
const CLIENTS = 4;
const FIRST_QUERY = 'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()';

function tableDdl(i) {
  const parent = i > 0 ? `, parent_id int, FOREIGN KEY (parent_id) REFERENCES t${i - 1}(id)` : '';
  return `CREATE TABLE t${i} (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL, created timestamp DEFAULT CURRENT_TIMESTAMP${parent}, INDEX (name))`;
}

async function migrate(url) {
  const c = await mysql2.createConnection(url);
  try {
    for (let i = 0; i < TABLES; i++) await c.query(tableDdl(i));
    await c.query("INSERT INTO t0 (name) VALUES ('seed')");
  } finally {
    await c.end();
  }
}

async function firstQuery(url) {
  const c = await mysql2.createConnection(url);
  try {
    const [rows] = await c.query(FIRST_QUERY);
    return Number(rows[0].n);
  } finally {
    await c.end();
  }
}

/** `clients` loops share `total` iterations of `one(i)`; returns samples in completion order. */
async function loops(total, clients, one) {
  const samples = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const began = performance.now();
        // A loop body may time only part of its work (a handout, without the release after it).
        const own = await one(i);
        samples.push(typeof own === 'number' ? own : performance.now() - began);
      }
    }),
  );
  return samples;
}

async function truncateAll(url) {
  const c = await mysql2.createConnection({ uri: url, multipleStatements: true });
  try {
    const truncates = Array.from({ length: TABLES }, (_, i) => `TRUNCATE TABLE t${i}`).join(';');
    await c.query(`SET foreign_key_checks = 0; ${truncates}; SET foreign_key_checks = 1; INSERT INTO t0 (name) VALUES ('seed')`);
  } finally {
    await c.end();
  }
}

/** Samples in the order they were taken. */
function record(entry, subject, label, samples) {
  for (const [i, ms] of samples.entries()) addSample(entry, subject, label, i, ms);
}

/** The two copy methods, measured as one multi-statement round trip each on a root connection. */
async function cloneMethods(db, runs) {
  const root = await mysql2.createConnection({
    host: db.details.host,
    port: db.details.port,
    user: 'root',
    password: db.details.rootPassword,
    database: 'mysql',
    multipleStatements: true,
  });
  try {
    const ddl = [];
    for (let i = 0; i < TABLES; i++) {
      const [rows] = await root.query(`SHOW CREATE TABLE berth_template.t${i}`);
      ddl.push(rows[0]['Create Table']);
    }
    const seed = 'INSERT INTO t0 (id, name, created) SELECT id, name, created FROM berth_template.t0';
    const scripts = {
      ddl: (name) => [
        `CREATE DATABASE ${name}`,
        `USE ${name}`,
        'SET foreign_key_checks = 0',
        ...ddl,
        seed,
        'SET foreign_key_checks = 1',
        'USE mysql',
      ],
      like: (name) => [
        `CREATE DATABASE ${name}`,
        `USE ${name}`,
        ...Array.from({ length: TABLES }, (_, i) => `CREATE TABLE t${i} LIKE berth_template.t${i}`),
        seed,
        'USE mysql',
      ],
    };
    const samples = { ddl: [], like: [] };
    for (let i = 0; i < runs; i++) {
      for (const method of i % 2 === 0 ? ['ddl', 'like'] : ['like', 'ddl']) {
        const name = `bench_clone_${method}_${i}`;
        const began = performance.now();
        await root.query(scripts[method](name).join(';\n'));
        samples[method].push(performance.now() - began);
        await root.query(`DROP DATABASE ${name}`);
      }
    }
    const [[fks]] = await root.query(
      "SELECT (SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'berth_template') AS n",
    );
    return { samples, templateForeignKeys: Number(fks.n) };
  } finally {
    await root.end();
  }
}

export async function mysqlFreshDatabase(ctx) {
  const { startMysql } = await import('@berth/core/mysql');
  const n = ctx.quick ? { fresh: 40, truncate: 40, container: 1, clone: 5 } : { fresh: 200, truncate: 200, container: 5, clone: 20 };
  const entry = newCase({
    id: 'mysql',
    suite: 'databases',
    title: 'mysql: a clean database per test',
    what: `${CLIENTS} clients, ${n.fresh} requests, ${TABLES}-table template with foreign keys and a seed row; connect + first query included`,
  });
  ctx.progress('mysql: starting mysql:8 with a 20-table setup');
  const db = await startMysql({ tuneForTests: true, setup: migrate });
  try {
    const names = new Set();
    const acquired = [];
    const released = [];
    const fresh = await loops(n.fresh, CLIENTS, async () => {
      const began = performance.now();
      const f = await db.freshDatabase();
      acquired.push(performance.now() - began);
      const tables = await firstQuery(f.url);
      const handout = performance.now() - began;
      // A released database may come back (reset to the template), but never to two tests at once.
      if (names.has(f.name)) throw new Error(`database ${f.name} was handed to two clients at once`);
      if (tables !== TABLES) throw new Error(`fresh database ${f.name} has ${tables} tables, expected ${TABLES}`);
      names.add(f.name);
      const releasing = performance.now();
      names.delete(f.name);
      await f.release();
      released.push(performance.now() - releasing);
      return handout;
    });
    record(entry, 'fresh', 'berth freshDatabase() + connect + query', fresh);
    record(entry, 'acquire', 'berth freshDatabase() alone', acquired);
    record(entry, 'release', 'berth release() (returns; the reset runs in the background)', released);
    ctx.progress(`mysql: ${n.fresh} fresh databases done; truncate-all next`);
    // One database per client (a worker's own), emptied between its tests.
    const own = await Promise.all(Array.from({ length: CLIENTS }, () => db.freshDatabase()));
    const free = [...own];
    const truncate = await loops(n.truncate, CLIENTS, async () => {
      const mine = free.pop();
      await truncateAll(mine.url);
      await firstQuery(mine.url);
      free.push(mine);
    });
    await Promise.all(own.map((f) => f.release()));
    record(entry, 'truncate', 'truncate all tables', truncate);
    const floor = await loops(n.truncate, CLIENTS, async () => {
      await firstQuery(db.url);
    });
    record(entry, 'floor', 'connect + query only (floor)', floor);
    const clone = await cloneMethods(db, n.clone);
    record(entry, 'clone-ddl', 'copy: DDL replay (berth)', clone.samples.ddl);
    record(entry, 'clone-like', 'copy: CREATE TABLE … LIKE', clone.samples.like);
    entry.notes.push(`template has ${clone.templateForeignKeys} foreign keys; CREATE TABLE … LIKE copies none of them, the DDL replay all`);
  } finally {
    await db.stop();
  }
  ctx.progress('mysql: container per test');
  for (let i = 0; i < n.container; i++) {
    const began = performance.now();
    const own = await startMysql({ tuneForTests: true, poolSize: 0, setup: migrate });
    try {
      await firstQuery(own.url);
      addSample(entry, 'container', 'new container per test', i, performance.now() - began);
    } finally {
      await own.stop();
    }
  }
  compare(entry, 'fresh', undefined, { kind: 'value', limitMs: 50 });
  compare(entry, 'fresh', 'floor');
  compare(entry, 'fresh', 'truncate');
  compare(entry, 'fresh', 'container');
  compare(entry, 'clone-ddl', 'clone-like');
  return [finalise(entry)];
}
