/**
 * testcontainers' documented patterns for "a clean database per test", for bench/cases/suite.mjs:
 * the same 4 files × 5 tests and the same 20-table schema and test body as the berth suite, as a
 * plain script on the peer's Node 22 (no test runner: the pattern's own cost, nothing of vitest's).
 *
 *   node suite-patterns.mjs snapshot   one container, snapshot after the schema, restore before each
 *                                      test; one worker (restore drops the database other tests use)
 *   node suite-patterns.mjs truncate   a container per file, schema per file, TRUNCATE every table
 *                                      before each test; two workers (two files at a time)
 *
 * Prints one JSON line: { pattern, perTestMs: [...] } — the clean-up each test waits for.
 */
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';

const TABLES = 20;
const FILES = 4;
const TESTS = 5;
const labels = { 'berth-bench.run': process.env.BENCH_RUN_ID ?? `${process.pid}` };
const pattern = process.argv[2];

async function query(url, sql, values) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function schema(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 1; i <= TABLES; i++) {
      await client.query(`CREATE TABLE t${i} (id serial PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now())`);
    }
  } finally {
    await client.end();
  }
}

async function body(url, name) {
  await query(url, 'INSERT INTO t1 (name) VALUES ($1)', [name]);
  const rows = await query(url, 'SELECT count(*)::int AS n FROM t1');
  if (rows[0]?.n !== 1) throw new Error(`expected a clean database, found ${rows[0]?.n} rows`);
}

const perTestMs = [];

if (pattern === 'snapshot') {
  const container = await new PostgreSqlContainer('postgres:15').withLabels(labels).start();
  try {
    const url = container.getConnectionUri();
    await schema(url);
    await container.snapshot();
    for (let file = 1; file <= FILES; file++) {
      for (let test = 1; test <= TESTS; test++) {
        const began = performance.now();
        await container.restoreSnapshot();
        perTestMs.push(performance.now() - began);
        await body(url, `${file}-${test}`);
      }
    }
  } finally {
    await container.stop();
  }
} else if (pattern === 'truncate') {
  const truncate = `TRUNCATE ${Array.from({ length: TABLES }, (_, i) => `t${i + 1}`).join(', ')} RESTART IDENTITY`;
  const runFile = async (file) => {
    const container = await new PostgreSqlContainer('postgres:15').withLabels(labels).start();
    try {
      const url = container.getConnectionUri();
      await schema(url);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        for (let test = 1; test <= TESTS; test++) {
          const began = performance.now();
          await admin.query(truncate);
          perTestMs.push(performance.now() - began);
          await body(url, `${file}-${test}`);
        }
      } finally {
        await admin.end();
      }
    } finally {
      await container.stop();
    }
  };
  // Two workers: files 1 and 2 at once, then 3 and 4.
  for (let file = 1; file <= FILES; file += 2) await Promise.all([runFile(file), runFile(file + 1)]);
} else {
  throw new Error(`unknown pattern ${pattern}; expected snapshot or truncate`);
}

process.stdout.write(`${JSON.stringify({ pattern, perTestMs })}\n`);
