// The mariadb:11 / mysql:8 stand-in's entrypoint contract, through the docker CLI (independent of
// berth's module): the official images' password rule and its message, MYSQL_ALLOW_EMPTY_PASSWORD,
// _FILE variables, and init scripts of every kind on the networking-off temporary server; a data
// directory made by mariadb-install-db on first start, sourced scripts calling the entrypoint's
// helpers, the time-zone tables, healthcheck.sh with the healthcheck users, readiness only after the
// temporary server stopped. BERTH_TEST_IMAGES can point the names at another build
// (test/support/images.ts).
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import mysql2 from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

const MYSQL = testImage('mysql:8');
const MARIADB = testImage('mariadb:11');

const started: string[] = [];
// This file starts its containers with the docker CLI, never through berth, so the process has no
// berth session: a label of the file's own keeps its leak check apart from other files'.
const SESSION_LABEL = `dev.berth.session=mysql-image-${randomUUID()}`;

async function run(image: string, args: string[]): Promise<string> {
  const id = await docker('run', '-d', '--label', SESSION_LABEL, '-p', '127.0.0.1::3306', ...args, image);
  started.push(id);
  return id;
}

/** The container's log, stdout and stderr interleaved as written (the server logs to stderr). */
function logs(id: string): Promise<string> {
  return new Promise((resolve) => execFile('sh', ['-c', 'docker logs "$1" 2>&1', 'sh', id], (_error, out) => resolve(out)));
}

/** Polls the log until the real server (port 3306) is ready, or the container has exited. */
async function readyOrExited(id: string): Promise<{ log: string; running: boolean }> {
  const limit = budget(120_000);
  const began = performance.now();
  for (let i = 0; performance.now() - began < limit; i++) {
    const running = (await docker('inspect', '--format', '{{.State.Running}}', id)) === 'true';
    const log = await logs(id);
    if (/port: 3306/.test(log)) return { log, running };
    // The log driver may not have written a quick exit's last lines yet when the state says exited.
    if (!running && (log !== '' || i >= 20)) return { log, running };
    await sleep(100);
  }
  throw new Error(`${id} neither became ready nor exited within ${limit} ms:\n${await logs(id)}`);
}

async function port(id: string): Promise<number> {
  return Number((await docker('port', id, '3306')).split('\n')[0]?.split(':').at(-1));
}

afterAll(async () => {
  await Promise.all(started.map((id) => docker('rm', '-f', '-v', id).catch(() => undefined)));
  const left = await labelled(SESSION_LABEL);
  expect(left.containers).toEqual([]);
});

describe('mysql/mariadb stand-in entrypoint', () => {
  it('without any root password option it exits with the official message', async () => {
    const id = await run(MYSQL, []);
    const { log, running } = await readyOrExited(id);
    expect(running).toBe(false);
    expect(log).toContain('Database is uninitialized and password option is not specified');
    expect(log).toMatch(/MYSQL_ROOT_PASSWORD/);
  });

  it('MYSQL_ALLOW_EMPTY_PASSWORD, *_FILE variables and .sh/.sql.gz scripts on the temporary server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-mysql-image-'));
    writeFileSync(join(dir, 'password'), 'from-a-file');
    writeFileSync(join(dir, '1-table.sql.gz'), gzipSync('CREATE TABLE notes (body text); INSERT INTO notes VALUES ("gz");'));
    writeFileSync(join(dir, '2-shell.sh'), 'mariadb --socket=/run/mysqld/mysqld.sock -uroot app -e "INSERT INTO notes VALUES (\'sh\')"\n');
    const id = await run(MYSQL, [
      '-e',
      'MYSQL_ALLOW_EMPTY_PASSWORD=yes',
      '-e',
      'MYSQL_DATABASE=app',
      '-e',
      'MYSQL_USER=writer',
      '-e',
      'MYSQL_PASSWORD_FILE=/run/secret-password',
      '-v',
      `${join(dir, 'password')}:/run/secret-password:ro`,
      '-v',
      `${join(dir, '1-table.sql.gz')}:/docker-entrypoint-initdb.d/1-table.sql.gz:ro`,
      '-v',
      `${join(dir, '2-shell.sh')}:/docker-entrypoint-initdb.d/2-shell.sh:ro`,
    ]);
    const { log, running } = await readyOrExited(id);
    expect(running, log).toBe(true);
    expect(log).toMatch(/port: 0[\s\S]*MariaDB init process done[\s\S]*port: 3306/);
    const root = await mysql2.createConnection({ host: '127.0.0.1', port: await port(id), user: 'root', database: 'app' });
    expect((await root.query('SELECT body FROM notes ORDER BY body'))[0]).toEqual([{ body: 'gz' }, { body: 'sh' }]);
    await root.end();
    const writer = await mysql2.createConnection({
      host: '127.0.0.1',
      port: await port(id),
      user: 'writer',
      password: 'from-a-file',
      database: 'app',
    });
    expect((await writer.query('SELECT DATABASE() AS d'))[0]).toEqual([{ d: 'app' }]);
    await writer.end();
  });
});

describe("mariadb:11 stand-in: the official image's first start, helpers and healthcheck", () => {
  it('mariadb-install-db, a sourced script using docker_process_sql, time zones, healthcheck.sh, ready after the temporary server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-mariadb-contract-'));
    // Not executable: the entrypoint sources it, so the helpers and the resolved settings are there.
    writeFileSync(
      join(dir, '1-helpers.sh'),
      [
        'mysql_note "sourced into the entrypoint, database $MARIADB_DATABASE"',
        `docker_process_sql <<< "CREATE TABLE sourced (v varchar(20)); INSERT INTO sourced VALUES ('$(docker_sql_escape_string_literal "it's")');"`,
        'docker_process_sql --database=mysql <<< "SELECT 1" > /dev/null',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
    const id = await run(MARIADB, [
      '-e',
      'MARIADB_ROOT_PASSWORD=root-pw',
      '-e',
      'MARIADB_DATABASE=app',
      '--health-cmd',
      'healthcheck.sh --connect --innodb_initialized',
      '--health-interval',
      '1s',
      '-v',
      `${join(dir, '1-helpers.sh')}:/docker-entrypoint-initdb.d/1-helpers.sh:ro`,
    ]);
    const { log, running } = await readyOrExited(id);
    expect(running, log).toBe(true);
    // A data directory made now, not one copied from the image.
    expect(log).toContain('Initializing database files');
    expect(log).toContain('sourcing /docker-entrypoint-initdb.d/1-helpers.sh');
    expect(log).toContain('sourced into the entrypoint, database app');
    // The temporary server (networking off: port 0) has stopped before the real one listens.
    expect(log).toMatch(/port: 0[\s\S]*Temporary server stopped[\s\S]*port: 3306/);

    const root = await mysql2.createConnection({
      host: '127.0.0.1',
      port: await port(id),
      user: 'root',
      password: 'root-pw',
      database: 'app',
    });
    try {
      expect((await root.query('SELECT v FROM sourced'))[0]).toEqual([{ v: "it's" }]);
      const [rows] = await root.query(
        "SELECT CAST(CONVERT_TZ('2024-07-01 12:00:00', 'UTC', 'Europe/Berlin') AS CHAR) AS berlin, VERSION() AS version",
      );
      const zone = (rows as { berlin: string | null; version: string }[])[0];
      expect(zone?.berlin).toBe('2024-07-01 14:00:00');
      expect(zone?.version).toMatch(/^11\./);
      const [users] = await root.query("SELECT Host AS host FROM mysql.user WHERE User = 'healthcheck' ORDER BY Host");
      expect(users).toEqual([{ host: '127.0.0.1' }, { host: '::1' }, { host: 'localhost' }]);
    } finally {
      await root.end();
    }

    // The credentials file the healthcheck reads: the server user's alone.
    expect(await docker('exec', id, 'stat', '-c', '%a %U', '/var/lib/mysql/.my-healthcheck.cnf')).toBe('600 mysql');
    await docker('exec', id, 'healthcheck.sh', '--connect', '--innodb_initialized');
    await docker('exec', id, 'healthcheck.sh', '--su-mysql', '--connect', '--innodb_initialized', '--innodb_buffer_pool_loaded');
    // Without that file nobody may look: root needs its password.
    await expect(docker('exec', id, 'healthcheck.sh', '--no-defaults', '--innodb_initialized')).rejects.toThrow(
      /healthcheck innodb_initialized failed/,
    );
    await expect(docker('exec', id, 'healthcheck.sh', '--no-such-test')).rejects.toThrow(/unknown option or test 'no-such-test'/);
    // The same script as the engine's health check, as a compose file would declare it.
    await expect.poll(() => docker('inspect', '--format', '{{.State.Health.Status}}', id), poll(60_000, 250)).toBe('healthy');
  });

  it('MARIADB_ROOT_PASSWORD_HASH and MARIADB_PASSWORD_HASH: logins with the hashed passwords; init scripts still run as root', async () => {
    // mysql_native_password's hash: '*' and SHA1(SHA1(password)) in upper-case hex.
    const hash = `*${createHash('sha1').update(createHash('sha1').update('hashed-pw').digest()).digest('hex').toUpperCase()}`;
    const dir = mkdtempSync(join(tmpdir(), 'berth-mariadb-hash-'));
    writeFileSync(join(dir, '1-as-root.sh'), 'docker_process_sql <<< "CREATE TABLE made_by_root (id int);"\n', { mode: 0o644 });
    const id = await run(MARIADB, [
      '-e',
      `MARIADB_ROOT_PASSWORD_HASH=${hash}`,
      '-e',
      'MARIADB_DATABASE=app',
      '-e',
      'MARIADB_USER=writer',
      '-e',
      `MARIADB_PASSWORD_HASH=${hash}`,
      '-v',
      `${join(dir, '1-as-root.sh')}:/docker-entrypoint-initdb.d/1-as-root.sh:ro`,
    ]);
    const { log, running } = await readyOrExited(id);
    expect(running, log).toBe(true);
    for (const user of ['root', 'writer']) {
      const connection = await mysql2.createConnection({
        host: '127.0.0.1',
        port: await port(id),
        user,
        password: 'hashed-pw',
        database: 'app',
      });
      try {
        expect((await connection.query('SHOW TABLES'))[0]).toEqual([{ Tables_in_app: 'made_by_root' }]);
      } finally {
        await connection.end();
      }
    }
  });

  it('an init folder the server user cannot read stops the first start before any database is made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-mariadb-private-')); // 0700, owned by the host user
    writeFileSync(join(dir, '1.sql'), 'SELECT 1;');
    const id = await run(MARIADB, ['-e', 'MARIADB_ROOT_PASSWORD=root-pw', '-v', `${dir}:/docker-entrypoint-initdb.d:ro`]);
    const { log, running } = await readyOrExited(id);
    expect(running).toBe(false);
    expect(log).toMatch(/cannot open directory '\/docker-entrypoint-initdb\.d\/': Permission denied/);
    expect(log).not.toContain('Initializing database files');
  });

  it('MYSQL_INITDB_SKIP_TZINFO leaves CONVERT_TZ NULL; a random root password is printed; MARIADB_* wins over MYSQL_*', async () => {
    const id = await run(MYSQL, [
      '-e',
      'MYSQL_RANDOM_ROOT_PASSWORD=yes',
      '-e',
      'MYSQL_INITDB_SKIP_TZINFO=1',
      '-e',
      'MYSQL_DATABASE=from_mysql',
      '-e',
      'MARIADB_DATABASE=from_mariadb',
    ]);
    const { log, running } = await readyOrExited(id);
    expect(running, log).toBe(true);
    expect(log).not.toContain('Loading the time-zone tables');
    const password = /GENERATED ROOT PASSWORD: (\S+)/.exec(log)?.[1];
    expect(password, log).toMatch(/^\w{32}$/);
    const root = await mysql2.createConnection({ host: '127.0.0.1', port: await port(id), user: 'root', password });
    try {
      const [rows] = await root.query("SELECT CONVERT_TZ('2024-07-01 12:00:00', 'UTC', 'Europe/Berlin') AS berlin");
      expect(rows).toEqual([{ berlin: null }]);
      const [schemas] = await root.query("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'from_%'");
      expect(schemas).toEqual([{ name: 'from_mariadb' }]);
    } finally {
      await root.end();
    }
  });
});
