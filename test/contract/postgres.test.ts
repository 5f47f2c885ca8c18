// The postgres module's contract against any image (pnpm test:contract -- postgres <image>): the
// POSTGRES_* variables, init scripts of every kind the official entrypoint runs (.sql, .sql.gz, an
// executable .sh, a sourced .sh using the entrypoint's docker_process_sql), readiness on the real
// server rather than the temporary one the entrypoint runs the scripts on, the image's healthcheck
// if it has one, restart, fresh databases, and that stop() leaves nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { type StartedPostgres, startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { containerEnv, contractImage, databaseSliceChecks, expectHealthy, imageHealthcheck, scriptFolder } from './support.js';

const image = contractImage('postgres');
const user = 'contract_user';
const password = 'contract pw/1';
const database = 'contract_db';

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: budget(30_000) });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const exists = async (url: string, table: string) =>
  (await query<{ t: string | null }>(url, `SELECT to_regclass('${table}')::text AS t`))[0]?.t === table;

let db: StartedPostgres;
/** What the first connection after the start saw: the server's start time and where it listens. */
let first: { started: string; listen: string };

beforeAll(async () => {
  const scripts = scriptFolder({
    '1-plain.sql': { content: 'CREATE TABLE from_sql (n int); INSERT INTO from_sql VALUES (1);' },
    '2-zipped.sql.gz': { content: gzipSync('CREATE TABLE from_sql_gz (n int);') },
    '3-executable.sh': {
      content:
        '#!/bin/bash\nset -e\npsql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -c "CREATE TABLE from_exec_sh (n int)"\n',
      mode: 0o755,
    },
  });
  db = await startPostgres({ image, user, password, database, initScripts: [scripts], poolSize: 2 });
  const [row] = await query<{ started: string; listen: string }>(
    db.url,
    "SELECT pg_postmaster_start_time()::text AS started, current_setting('listen_addresses') AS listen",
  );
  first = row as { started: string; listen: string };
});

afterAll(async () => {
  await db?.stop();
});

describe(`postgres contract: ${image}`, () => {
  it('env names: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB are set and honoured', async () => {
    const env = await containerEnv(db.container);
    expect(env).toEqual(expect.arrayContaining([`POSTGRES_USER=${user}`, `POSTGRES_PASSWORD=${password}`, `POSTGRES_DB=${database}`]));
    expect(await query(db.url, 'SELECT current_user AS u, current_database() AS d')).toEqual([{ u: user, d: database }]);
  });

  it.each([
    ['.sql', 'from_sql'],
    ['.sql.gz', 'from_sql_gz'],
    ['executable .sh', 'from_exec_sh'],
  ])('init script %s ran against the main database', async (_kind, table) => {
    expect(await exists(db.url, table)).toBe(true);
  });

  // On a server of its own: an entrypoint without the helper dies on it (exit 127), which would
  // take every other check down with it.
  it('init script: a sourced .sh using the entrypoint’s docker_process_sql', async () => {
    const scripts = scriptFolder({ 'sourced.sh': { content: "docker_process_sql <<<'CREATE TABLE from_sourced_sh (n int);'\n" } });
    await using own = await startPostgres({ image, user, password, database, initScripts: [scripts], poolSize: 0 });
    expect(await exists(own.url, 'from_sourced_sh')).toBe(true);
  });

  it('initdb on first start: two containers of the image get data directories of their own making', async () => {
    // initdb gives every cluster a new system identifier; a data directory baked into the image
    // would give every container the same one.
    const id = async (url: string) =>
      (await query<{ id: string }>(url, 'SELECT system_identifier::text AS id FROM pg_control_system()'))[0]?.id;
    await using other = await startPostgres({ image, user, password, database, poolSize: 0 });
    expect(await id(other.url)).not.toBe(await id(db.url));
  });

  it('locale: databases collate as the official image’s default, en_US.utf8', async () => {
    expect(await query(db.url, 'SELECT datcollate AS c FROM pg_database WHERE datname = current_database()')).toEqual([
      { c: 'en_US.utf8' },
    ]);
  });

  it('readiness: the start resolved on the real server, not the temporary one the scripts ran on', async () => {
    // The temporary server listens on no TCP address; the real one listens on all of them.
    expect(first.listen).not.toBe('');
    // Had berth resolved on the temporary server, the real one would have started after it.
    await sleep(budget(2_000));
    const [now] = await query<{ started: string }>(db.url, 'SELECT pg_postmaster_start_time()::text AS started');
    expect(now?.started).toBe(first.started);
  });

  it('healthcheck: the image’s own HEALTHCHECK reports healthy (skipped when the image has none)', async (context) => {
    const check = await imageHealthcheck(db.container);
    if (!check) context.skip();
    await expectHealthy(db.container);
  });

  databaseSliceChecks(() => db, 5432, query, exists);
});
