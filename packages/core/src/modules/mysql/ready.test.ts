import { describe, expect, it } from 'vitest';
import { WaitFailedError, WaitTimeoutError } from '../../errors.js';
import { FakeTarget, later, waitFor } from '../../wait/fake-target.js';
import { readyWithNetworking } from './ready.js';

// What the official images' logs (and the stand-in's) print for the init server and the real one.
const MARIADB_INIT = [
  '2026-11-30  5:13:16 0 [Note] mariadbd: ready for connections.',
  "Version: '11.4.2-MariaDB'  socket: '/run/mysqld/mysqld.sock'  port: 0  mariadb.org binary distribution",
];
const MARIADB_REAL = [
  '2026-11-30  5:13:18 0 [Note] mariadbd: ready for connections.',
  "Version: '11.4.2-MariaDB'  socket: '/run/mysqld/mysqld.sock'  port: 3306  mariadb.org binary distribution",
];
const MYSQL_INIT =
  "2026-11-30T05:13:16.0Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'  socket: '/var/run/mysqld/mysqld.sock'  port: 0  MySQL Community Server - GPL.";
const MYSQL_X =
  "2026-11-30T05:13:18.0Z 0 [System] [MY-011323] [Server] X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock";
const MYSQL_REAL =
  "2026-11-30T05:13:18.1Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.";

async function settledAfter(target: FakeTarget, waiting: Promise<unknown>, lines: string[]): Promise<boolean> {
  let settled = false;
  void waiting.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await later(30, () => {
    for (const line of lines) target.log(line, 'stderr');
  });
  await later(30, () => undefined);
  return settled;
}

describe('readyWithNetworking', () => {
  it('MariaDB: ignores the init server (port 0) and waits for the real one', async () => {
    const target = new FakeTarget();
    const waiting = waitFor(readyWithNetworking(), target, { timeoutMs: 2000 });
    expect(await settledAfter(target, waiting, MARIADB_INIT)).toBe(false);
    for (const line of MARIADB_REAL) target.log(line, 'stderr');
    await expect(waiting).resolves.toBeUndefined();
  });

  it('MySQL 8: ignores the init server and the X plugin line', async () => {
    const target = new FakeTarget();
    const waiting = waitFor(readyWithNetworking(), target, { timeoutMs: 2000 });
    expect(await settledAfter(target, waiting, [MYSQL_INIT, MYSQL_X])).toBe(false);
    target.log(MYSQL_REAL, 'stderr');
    await expect(waiting).resolves.toBeUndefined();
  });

  it('an initialised data directory: one real line is enough', async () => {
    const target = new FakeTarget();
    for (const line of MARIADB_REAL) target.log(line, 'stderr');
    await expect(waitFor(readyWithNetworking(), target)).resolves.toBeUndefined();
  });

  it('times out, naming the init server, when only that one came up', async () => {
    const target = new FakeTarget();
    target.log(MYSQL_INIT, 'stderr');
    const error = await waitFor(readyWithNetworking(), target, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).message).toContain('init server');
  });

  it('fails at once on a postgres log', async () => {
    const target = new FakeTarget();
    target.log('2026-11-30 05:13:16.000 UTC [1] LOG:  database system is ready to accept connections', 'stderr');
    const error = await waitFor(readyWithNetworking(), target, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).hint).toContain('postgres()');
  });
});
