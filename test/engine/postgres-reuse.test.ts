// Postgres on a reused server against the real engine: each startPostgres() below plays one run
// (its own run id and run connection) on the same reused container. An unchanged second run clones
// from the template the first one built, with no setup; a changed migration builds a new template;
// two runs at once never see each other's databases. The test removes the container it reused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endSession } from '@berth/core';
import { type StartedPostgres, startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { docker } from '../support/docker.js';

// This file's runs reuse even on CI (config is read on the first start, after this line).
process.env.BERTH_REUSE = 'force';

const dir = mkdtempSync(join(tmpdir(), 'berth-pg-reuse-'));
const migration = join(dir, '001.sql');
// A label unique to this test run keeps its identity apart from anyone else's reused postgres.
const label = `pg-reuse-${process.pid}-${Date.now().toString(36)}`;
const started: StartedPostgres[] = [];
let setupRuns = 0;

async function run(): Promise<StartedPostgres> {
  const db = await startPostgres({
    reuse: true,
    tuneForTests: true,
    poolSize: 1,
    templateInputs: [dir],
    spec: { labels: { 'test.reuse': label } },
    setup: async (url) => {
      setupRuns += 1;
      await query(url, (await import('node:fs')).readFileSync(migration, 'utf8'));
    },
  });
  started.push(db);
  return db;
}

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function names(db: StartedPostgres, like: string): Promise<string[]> {
  const rows = await query<{ datname: string }>(db.url, `SELECT datname FROM pg_database WHERE datname LIKE '${like}' ORDER BY 1`);
  return rows.map((r) => r.datname);
}

afterAll(async () => {
  await Promise.allSettled(started.map((db) => db.stop()));
  // End the session first: its end dates the last use (re-creating the marker removed below).
  await endSession();
  const ids = (await docker('ps', '-aq', '--filter', `label=test.reuse=${label}`)).split('\n').filter(Boolean);
  const hashes = ids.length ? (await docker('inspect', '-f', '{{index .Config.Labels "dev.berth.reuse"}}', ...ids)).split('\n') : [];
  if (ids.length) await docker('rm', '-f', '-v', ...ids);
  for (const hash of hashes) {
    for (const marker of ['last-use', 'ready']) {
      const volumes = (await docker('volume', 'ls', '-q', '--filter', `label=dev.berth.reuse.${marker}=${hash}`))
        .split('\n')
        .filter(Boolean);
      if (volumes.length) await docker('volume', 'rm', '-f', ...volumes);
    }
  }
});

describe('postgres templates keyed by their inputs on a reused server', () => {
  it('an unchanged second run clones at once with no setup; a changed migration builds a new template', async () => {
    writeFileSync(migration, 'CREATE TABLE orders (id int);');
    const first = await run();
    expect(first.reuse).toMatchObject({ container: { action: 'created' }, template: 'built' });
    expect(setupRuns).toBe(1);
    const [template] = await names(first, 'berth\\_tpl\\_%');
    expect(template).toMatch(/^berth_tpl_[0-9a-f]{16}$/);
    await first.stop();

    const second = await run();
    expect(second.reuse).toMatchObject({ container: { action: 'reused' }, template: 'found' });
    expect(setupRuns).toBe(1);
    expect(second.container.id).toBe(first.container.id);
    const fresh = await second.freshDatabase();
    expect(fresh.name).toMatch(/^berth_f_[0-9a-f]{8}_\d+$/);
    expect(await query(fresh.url, 'SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 0 }]);
    await fresh.release();
    await second.stop();

    // Leftovers of a run that was killed: a fresh database and a half-built template named after it.
    await query(second.url.replace(/\/[^/]*$/, '/postgres'), 'CREATE DATABASE berth_f_0badc0de_1');
    await query(second.url.replace(/\/[^/]*$/, '/postgres'), 'CREATE DATABASE berth_tpl_0123456789abcdef_b0badc0de');

    writeFileSync(migration, 'CREATE TABLE orders (id int, total numeric);');
    const third = await run();
    expect(third.reuse).toMatchObject({ container: { action: 'reused' }, template: 'built' });
    expect(setupRuns).toBe(2);
    const changed = await third.freshDatabase();
    const columns = await query<{ column_name: string }>(
      changed.url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY 1",
    );
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'total']);
    // The new template sits beside the old one; the old one, used by no live run, is dropped (in the
    // background, right after the start).
    let templates = await names(third, 'berth\\_tpl\\_%');
    let deadRuns = await names(third, 'berth\\_f\\_0badc0de%');
    for (let i = 0; i < 50 && (templates.length > 1 || deadRuns.length > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      templates = await names(third, 'berth\\_tpl\\_%');
      deadRuns = await names(third, 'berth\\_f\\_0badc0de%');
    }
    expect(templates).not.toContain(template);
    expect(templates).toHaveLength(1);
    // The dead run's leftovers went in the same clean-up.
    expect(deadRuns).toEqual([]);
    expect(templates).not.toContain('berth_tpl_0123456789abcdef_b0badc0de');
    await changed.release();
    await third.stop();
  });

  it('two runs sharing the server at once never see each other’s databases; their leftovers go at stop', async () => {
    writeFileSync(migration, 'CREATE TABLE orders (id int, total numeric);');
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.container.id).toBe(b.container.id);
    const fa = await a.freshDatabase();
    const fb = await b.freshDatabase();
    const prefix = (name: string) => name.split('_').slice(0, 3).join('_');
    expect(prefix(fa.name)).not.toBe(prefix(fb.name));
    await query(fa.url, 'INSERT INTO orders VALUES (1, 9.5)');
    expect(await query(fb.url, 'SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 0 }]);
    await a.stop();
    // a's databases (leased or pooled) are gone; b's are untouched.
    const left = await names(b, 'berth\\_f\\_%');
    expect(left.some((n) => n.startsWith(`${prefix(fa.name)}_`))).toBe(false);
    expect(left).toContain(fb.name);
    await b.stop();
  });
});
