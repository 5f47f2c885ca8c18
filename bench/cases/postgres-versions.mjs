/**
 * Issue "Databases on real servers", postgres part: the fresh-database handout of bench/fresh-db.mjs
 * (4 clients, `freshDatabase()` + connect + first query, each client dropping its database before
 * the next request, 20-table template made by a `setup` hook) on postgres 10 and 18 beside 15:
 * 10 has neither DROP DATABASE ... WITH (FORCE) nor CREATE DATABASE ... STRATEGY, so berth takes
 * its older paths there. Needs the postgres:10, :15 and :18 images (stand-ins on our machines).
 *
 * The target (median ≤ 30 ms) is judged on the handout, `freshDatabase()` alone, as bench/fresh-db.mjs
 * has judged it from the start. Beside it: the handout with connect + first query, and that same
 * connect + query on the main database by the same 4 clients (the floor: what a test pays for its
 * connection whatever the database). With no test body between requests the loop keeps both cores
 * busy, so the connect costs more here than on a quiet server.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';

const CORE_DIR = fileURLToPath(new URL('../../packages/core/', import.meta.url));
const pg = createRequire(`${CORE_DIR}package.json`)('pg');

const TABLES = 20;
const CLIENTS = 4;
const VERSIONS = ['15', '10', '18'];

async function migrate(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < TABLES; i++) {
      const parent = i > 0 ? `, parent_id int REFERENCES t${i - 1}(id)` : '';
      await client.query(`CREATE TABLE t${i} (id serial PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now()${parent})`);
      await client.query(`CREATE INDEX ON t${i} (name)`);
    }
  } finally {
    await client.end();
  }
}

async function tableCount(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    return (await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n;
  } finally {
    await client.end();
  }
}

export async function postgresVersionsFreshDatabase(ctx) {
  const { startPostgres } = ctx.berthPostgres ?? (await import('@berth/core/postgres'));
  const total = ctx.quick ? 40 : 200;
  const entry = newCase({
    id: 'pg-versions',
    suite: 'databases',
    title: 'postgres 10 and 18 beside 15: fresh database handout',
    what: `${CLIENTS} clients, ${total} requests per version, ${TABLES}-table template, tuneForTests (data in memory); handout alone (judged), with connect + first query, and the connect + query floor`,
  });
  for (const version of VERSIONS) {
    ctx.progress(`pg-versions: postgres:${version}`);
    const db = await startPostgres({ image: `postgres:${version}`, tuneForTests: true, setup: migrate });
    try {
      let next = 0;
      let sample = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < total) {
            next++;
            const began = performance.now();
            const fresh = await db.freshDatabase();
            const acquired = performance.now() - began;
            const n = await tableCount(fresh.url);
            const i = sample++;
            addSample(entry, `pg${version}`, `postgres:${version} freshDatabase() + connect + query`, i, performance.now() - began);
            addSample(entry, `pg${version}-acquire`, `postgres:${version} freshDatabase() alone`, i, acquired);
            if (n !== TABLES) throw new Error(`fresh database ${fresh.name} on postgres:${version} has ${n} tables`);
            await fresh.release();
          }
        }),
      );
      let floor = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (floor < total) {
            const i = floor++;
            const began = performance.now();
            if ((await tableCount(db.url)) !== TABLES) throw new Error(`the main database of postgres:${version} lost its tables`);
            addSample(
              entry,
              `pg${version}-floor`,
              `postgres:${version} connect + query on the main database (floor)`,
              i,
              performance.now() - began,
            );
          }
        }),
      );
    } finally {
      await db.stop();
    }
  }
  for (const version of VERSIONS) {
    compare(entry, `pg${version}-acquire`, undefined, { kind: 'value', limitMs: 30 });
    compare(entry, `pg${version}`, `pg${version}-floor`);
  }
  compare(entry, 'pg10', 'pg15');
  compare(entry, 'pg10-acquire', 'pg15-acquire');
  compare(entry, 'pg18', 'pg15');
  return [finalise(entry)];
}
