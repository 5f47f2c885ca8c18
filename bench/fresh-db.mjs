#!/usr/bin/env node
/**
 * `node bench/fresh-db.mjs [--quick] [--json FILE] [--strategy file_copy|wal_log]`
 *
 * How long a test waits for a clean postgres database, three ways, on one server and template:
 *
 * 1. berth fresh database: `freshDatabase()` from the warm pool, then connect and run a first query
 *    (4 concurrent clients, 200 requests; each client releases — drops — its database before asking
 *    again). The template has 20 tables, made by a `setup` hook. Next to it, the same connect and
 *    query on the main database: the floor any approach pays, whatever it does to get a database.
 * 2. exec-based restore, as testcontainers-go's Snapshot/Restore does it: `docker exec psql` that
 *    drops the database and re-creates it from a template, then connect and query. Also berth's
 *    own `restore()` (the same SQL over a pooled connection, no exec).
 * 3. a new container per test: startPostgres() until a first `select 1` answers.
 *
 * Runs against the built package (`pnpm --filter @berth/core build`) and needs the postgres:15 image.
 * Timings on a shared machine are for reading, not gating: the exit code is 0 unless the bench breaks.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { fmtMs, summarise } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, json: { type: 'string' }, strategy: { type: 'string', default: 'file_copy' } },
});
const N = args.quick ? { fresh: 40, clients: 4, exec: 5, container: 2 } : { fresh: 200, clients: 4, exec: 20, container: 5 };
const TABLES = 20;
const TARGET_MEDIAN_MS = 30;
const progress = (text) => process.stderr.write(`[fresh-db] ${text}\n`);

async function firstQuery(url, sql = 'SELECT 1') {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

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

/** Fresh databases: `clients` loops share `total` requests. Returns ready-to-query and acquire-only times. */
async function freshDatabases(db, total, clients) {
  const ready = [];
  const acquire = [];
  let left = total;
  const names = new Set();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        const began = performance.now();
        const fresh = await db.freshDatabase();
        acquire.push(performance.now() - began);
        const rows = await firstQuery(fresh.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
        ready.push(performance.now() - began);
        if (rows[0].n !== TABLES) throw new Error(`fresh database ${fresh.name} has ${rows[0].n} tables, expected ${TABLES}`);
        if (names.has(fresh.name)) throw new Error(`database ${fresh.name} was handed out twice`);
        names.add(fresh.name);
        await fresh.release();
      }
    }),
  );
  return { ready, acquire };
}

/** The floor every approach pays: connect and run the same first query on the main database. */
async function connectOnly(db, total, clients) {
  const samples = [];
  let left = total;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        const began = performance.now();
        await firstQuery(db.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
        samples.push(performance.now() - began);
      }
    }),
  );
  return samples;
}

/** testcontainers-go style: psql inside the container drops and re-creates the database from a template. */
async function execRestore(db, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    const result = await db.container.exec([
      'psql',
      '-v',
      'ON_ERROR_STOP=1',
      '-U',
      db.details.user,
      '-d',
      'postgres',
      '-c',
      'DROP DATABASE IF EXISTS "restored" WITH (FORCE)',
      '-c',
      `CREATE DATABASE "restored" WITH TEMPLATE "berth_template" OWNER "${db.details.user}"`,
    ]);
    if (result.exitCode !== 0) throw new Error(`psql failed: ${result.stderr}`);
    await firstQuery(db.url.replace(/\/[^/]+$/, '/restored'));
    samples.push(performance.now() - began);
  }
  return samples;
}

async function berthRestore(db, runs) {
  await db.snapshot('bench');
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    await db.restore('bench');
    await firstQuery(db.url);
    samples.push(performance.now() - began);
  }
  return samples;
}

async function containerPerTest(runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    const db = await startPostgres({ tuneForTests: true, poolSize: 0 });
    try {
      await firstQuery(db.url);
      samples.push(performance.now() - began);
    } finally {
      await db.stop();
    }
  }
  return samples;
}

function table(rows) {
  const header = ['approach', 'runs', 'median', 'p95', 'min', 'max'];
  const body = rows.map(({ label, stats }) => [
    label,
    String(stats.n),
    fmtMs(stats.median),
    fmtMs(stats.p95),
    fmtMs(stats.min),
    fmtMs(stats.max),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

async function main() {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  progress(
    `${args.quick ? 'quick' : 'full'} run; load average ${load}; postgres:15, ${TABLES}-table template, clone strategy ${args.strategy}`,
  );
  const db = await startPostgres({ tuneForTests: true, setup: migrate, cloneStrategy: args.strategy });
  const rows = [];
  try {
    // Let the background refill finish so the first samples measure the steady state.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    progress(`fresh databases: ${N.fresh} requests from ${N.clients} clients`);
    const fresh = await freshDatabases(db, N.fresh, N.clients);
    rows.push({ label: 'berth freshDatabase() → first query', stats: summarise(fresh.ready) });
    rows.push({ label: 'berth freshDatabase() alone', stats: summarise(fresh.acquire) });
    progress('baseline: connect + first query on the main database');
    rows.push({ label: 'baseline: connect + first query, main database', stats: summarise(await connectOnly(db, N.fresh, N.clients)) });
    progress(`exec-based restore: ${N.exec} runs`);
    rows.push({ label: 'docker exec psql drop + create from template → first query', stats: summarise(await execRestore(db, N.exec)) });
    rows.push({ label: 'berth restore() → first query', stats: summarise(await berthRestore(db, N.exec)) });
  } finally {
    await db.stop();
  }
  progress(`new container per test: ${N.container} starts`);
  rows.push({ label: 'new container (startPostgres) → select 1', stats: summarise(await containerPerTest(N.container)) });

  console.log(table(rows));
  const [ready, alone, baseline] = rows.map((r) => r.stats.median);
  const verdict = alone <= TARGET_MEDIAN_MS ? 'met' : 'missed';
  console.log(
    `\ntarget: fresh database median ≤ ${TARGET_MEDIAN_MS} ms → freshDatabase() ${fmtMs(alone)} (${verdict}); ` +
      `with a new connection and first query ${fmtMs(ready)}, where connecting alone takes ${fmtMs(baseline)} here; ` +
      `load average ${load} at start`,
  );
  if (args.json) {
    const plain = rows.map(({ label, stats }) => ({ label, ...stats, samples: stats.samples.map((s) => Math.round(s * 10) / 10) }));
    writeFileSync(
      args.json,
      `${JSON.stringify({ quick: args.quick, strategy: args.strategy, loadAverage: load, rows: plain }, null, 2)}\n`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
