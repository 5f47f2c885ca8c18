// The mysql module's contract against any mysql or mariadb image (pnpm test:contract -- mysql
// <image>): the MYSQL_* or MARIADB_* variables, init scripts of every kind the official entrypoints
// run (.sql, .sql.gz, an executable .sh, a sourced .sh using the entrypoint's docker_process_sql),
// readiness on the real server rather than the temporary --skip-networking one, time-zone tables,
// the image's healthcheck (and mariadb's healthcheck.sh), restart, fresh databases, and that stop()
// leaves nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { type StartedMysql, startMysql } from '@berth/core/mysql';
import mysql2 from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { containerEnv, contractImage, databaseSliceChecks, expectHealthy, imageHealthcheck, scriptFolder } from './support.js';

const image = contractImage('mysql');
const user = 'contract_user';
const password = 'contract pw/1';
const rootPassword = 'contract root';
const database = 'contract_db';

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const connection = await mysql2.createConnection({ uri: url, connectTimeout: budget(30_000) });
  try {
    return (await connection.query(sql))[0] as T[];
  } finally {
    await connection.end();
  }
}

const exists = async (url: string, table: string) =>
  (await query(url, `SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'`)).length === 1;

let db: StartedMysql;
let prefix: 'MYSQL' | 'MARIADB';

beforeAll(async () => {
  const scripts = scriptFolder({
    '1-plain.sql': { content: 'CREATE TABLE from_sql (n int); INSERT INTO from_sql VALUES (1);' },
    '2-zipped.sql.gz': { content: gzipSync('CREATE TABLE from_sql_gz (n int);') },
    '3-executable.sh': {
      content: [
        '#!/bin/bash',
        'set -e',
        'client=$(command -v mariadb || command -v mysql)',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
        '"$client" -uroot -p"${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}" "${MARIADB_DATABASE:-$MYSQL_DATABASE}" -e "CREATE TABLE from_exec_sh (n int)"',
        '',
      ].join('\n'),
      mode: 0o755,
    },
  });
  db = await startMysql({ image, user, password, rootPassword, database, initScripts: [scripts], poolSize: 2 });
  prefix = db.details.flavor === 'mariadb' ? 'MARIADB' : 'MYSQL';
});

afterAll(async () => {
  await db?.stop();
});

describe(`mysql contract: ${image}`, () => {
  it('env names: *_ROOT_PASSWORD, *_DATABASE, *_USER and *_PASSWORD (MARIADB_ or MYSQL_ by flavor) are set and honoured', async () => {
    const env = await containerEnv(db.container);
    expect(env).toEqual(
      expect.arrayContaining([
        `${prefix}_ROOT_PASSWORD=${rootPassword}`,
        `${prefix}_DATABASE=${database}`,
        `${prefix}_USER=${user}`,
        `${prefix}_PASSWORD=${password}`,
      ]),
    );
    const [row] = await query<{ u: string; d: string }>(db.url, 'SELECT CURRENT_USER() AS u, DATABASE() AS d');
    expect(row).toEqual({ u: `${user}@%`, d: database });
    const rootUrl = db.url.replace(/^mysql:\/\/[^@]+@/, `mysql://root:${encodeURIComponent(rootPassword)}@`);
    expect(await query(rootUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it.each([
    ['.sql', 'from_sql'],
    ['.sql.gz', 'from_sql_gz'],
    ['executable .sh', 'from_exec_sh'],
  ])('init script %s ran against the main database', async (_kind, table) => {
    expect(await exists(db.url, table)).toBe(true);
  });

  // On a server of its own: an entrypoint without the helper dies on it, which would take every
  // other check down with it.
  it('init script: a sourced .sh using the entrypoint’s docker_process_sql', async () => {
    const scripts = scriptFolder({ 'sourced.sh': { content: "docker_process_sql <<<'CREATE TABLE from_sourced_sh (n int);'\n" } });
    await using own = await startMysql({ image, user, password, rootPassword, database, initScripts: [scripts], poolSize: 0 });
    expect(await exists(own.url, 'from_sourced_sh')).toBe(true);
  });

  it('readiness: the start resolved on the real server, not the temporary --skip-networking one', async () => {
    const uptime = async () => Number((await query<{ Value: string }>(db.url, "SHOW GLOBAL STATUS LIKE 'Uptime'"))[0]?.Value);
    const before = await uptime();
    await sleep(budget(2_000));
    // A server that restarted meanwhile would have started counting again.
    expect(await uptime()).toBeGreaterThanOrEqual(before + 1);
    expect(await query(db.url, 'SELECT @@skip_networking AS s')).toEqual([{ s: 0 }]);
  });

  it('time-zone tables are loaded (CONVERT_TZ with named zones)', async () => {
    const [row] = await query<{ t: unknown }>(db.url, "SELECT CONVERT_TZ('2024-01-01 12:00:00', 'UTC', 'Europe/Berlin') AS t");
    expect(row?.t).not.toBeNull();
  });

  it('healthcheck: the image’s own HEALTHCHECK reports healthy (skipped when the image has none)', async (context) => {
    if (!(await imageHealthcheck(db.container))) context.skip();
    await expectHealthy(db.container);
  });

  it('mariadb: healthcheck.sh --connect --innodb_initialized passes (skipped for mysql)', async (context) => {
    if (db.details.flavor !== 'mariadb') context.skip();
    const result = await db.container.exec(['healthcheck.sh', '--connect', '--innodb_initialized']);
    expect({ exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({ exitCode: 0, output: '' });
  });

  databaseSliceChecks(() => db, 3306, query, exists);
});
