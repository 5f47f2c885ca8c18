// The mariadb:11 / mysql:8 stand-in's entrypoint contract, through the docker CLI (independent of
// berth's module): the official images' password rule and its message, MYSQL_ALLOW_EMPTY_PASSWORD,
// _FILE variables, and init scripts of every kind on the networking-off temporary server.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import mysql2 from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, labelled } from '../support/docker.js';

const started: string[] = [];

async function run(image: string, args: string[]): Promise<string> {
  const id = await docker(
    'run',
    '-d',
    '--label',
    `dev.berth.session=${process.env.BERTH_SESSION_ID}`,
    '-p',
    '127.0.0.1::3306',
    ...args,
    image,
  );
  started.push(id);
  return id;
}

/** The container's log, stdout and stderr interleaved as written (the server logs to stderr). */
function logs(id: string): Promise<string> {
  return new Promise((resolve) => execFile('sh', ['-c', 'docker logs "$1" 2>&1', 'sh', id], (_error, out) => resolve(out)));
}

/** Polls the log until the real server (port 3306) is ready, or the container has exited. */
async function readyOrExited(id: string): Promise<{ log: string; running: boolean }> {
  for (let i = 0; i < 600; i++) {
    const running = (await docker('inspect', '--format', '{{.State.Running}}', id)) === 'true';
    const log = await logs(id);
    if (/port: 3306/.test(log)) return { log, running };
    // The log driver may not have written a quick exit's last lines yet when the state says exited.
    if (!running && (log !== '' || i >= 20)) return { log, running };
    await sleep(100);
  }
  throw new Error(`${id} neither became ready nor exited within 60 s:\n${await logs(id)}`);
}

async function port(id: string): Promise<number> {
  return Number((await docker('port', id, '3306')).split('\n')[0]?.split(':').at(-1));
}

afterAll(async () => {
  await Promise.all(started.map((id) => docker('rm', '-f', '-v', id).catch(() => undefined)));
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('mysql/mariadb stand-in entrypoint', () => {
  it('without any root password option it exits with the official message', async () => {
    const id = await run('mysql:8', []);
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
    const id = await run('mysql:8', [
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
