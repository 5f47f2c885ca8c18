// restart() of the container under a started postgres or mysql module (issue 24): the engine
// publishes new host ports on a restart, and the module must take them up — in the details and URLs
// it hands out, in its own admin connections and pool — and a template that was being made when the
// restart came is made again. Before the fix, the next fresh database failed with
// `ECONNREFUSED 127.0.0.1:<old port>`, and a restart during the background template broke every
// later request (`Connection terminated unexpectedly`).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMysql } from '@berth/core/mysql';
import { startNats } from '@berth/core/nats';
import { startPostgres } from '@berth/core/postgres';
import { startRabbitmq } from '@berth/core/rabbitmq';
import { startRedis } from '@berth/core/redis';
import amqp from 'amqplib';
import mysql2 from 'mysql2/promise';
import { connect as natsConnect } from 'nats';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { labelled } from '../support/docker.js';
import { redisCommand } from '../support/resp.js';

async function pgQuery<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: budget(30_000) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function myQuery<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const connection = await mysql2.createConnection({ uri: url, connectTimeout: budget(30_000) });
  try {
    return (await connection.query(sql))[0] as T[];
  } finally {
    await connection.end();
  }
}

function initScript(sql: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'berth-restart-')), 'schema.sql');
  writeFileSync(file, sql);
  return file;
}

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('postgres survives restart()', () => {
  it('takes up the new port: details, URLs and fresh databases after the restart', async () => {
    await using db = await startPostgres({ image: 'postgres:15', poolSize: 2, initScripts: [initScript('CREATE TABLE kept (id int);')] });
    await using before = await db.freshDatabase();
    await pgQuery(before.url, 'INSERT INTO kept VALUES (1)');
    const oldDetails = db.details;
    const oldPort = db.details.port;

    await db.container.restart();

    const newPort = db.container.mappedPort(5432);
    // Docker's port allocator moves on to the next free port: the bug needs a new one to show.
    expect(newPort).not.toBe(oldPort);
    expect(db.details.port).toBe(newPort);
    expect(db.url).toContain(`:${newPort}/`);
    // A details object read before the restart is a plain value: it keeps the old port.
    expect(oldDetails.port).toBe(oldPort);
    // A fresh database handed out before the restart is still there, and its handle follows.
    expect(before.details.port).toBe(newPort);
    expect(await pgQuery(before.url, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);
    // New ones come from the admin connection and pool re-established on the new port.
    await using after = await db.freshDatabase();
    expect(after.details.port).toBe(newPort);
    expect(await pgQuery(after.url, 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 0 }]);
    await db.snapshot();
    await db.restore();
  });

  it('a restart while the background template is being made: the template is made again', async () => {
    await using db = await startPostgres({ image: 'postgres:15', poolSize: 2, initScripts: [initScript('CREATE TABLE seeded (id int);')] });
    // startPostgres resolved at the server's ready line; the template is being made now.
    await db.container.restart();
    const fresh = await Promise.all([db.freshDatabase(), db.freshDatabase(), db.freshDatabase()]);
    for (const f of fresh) {
      expect(f.details.port).toBe(db.container.mappedPort(5432));
      expect(await pgQuery(f.url, "SELECT to_regclass('seeded')::text AS t")).toEqual([{ t: 'seeded' }]);
      await f.release();
    }
  });

  it('a data directory in memory (tuneForTests) loses the template with the restart: it is made again, setup included', async () => {
    const setupSql = initScript('CREATE TABLE from_setup (id int);');
    await using db = await startPostgres({ image: 'postgres:15', poolSize: 2, tuneForTests: true, setupSql: [setupSql] });
    await using first = await db.freshDatabase();
    expect(first.name).toMatch(/^berth_fresh_/);
    await db.container.restart();
    // restart() resolved once setup ran again (as a start does when it has setup): the main database has its table.
    expect(await pgQuery(db.url, "SELECT to_regclass('from_setup')::text AS t")).toEqual([{ t: 'from_setup' }]);
    await using after = await db.freshDatabase();
    expect(await pgQuery(after.url, "SELECT to_regclass('from_setup')::text AS t")).toEqual([{ t: 'from_setup' }]);
  });
});

describe('mysql survives restart()', () => {
  it('takes up the new port: details, URLs and fresh databases after the restart', async () => {
    await using db = await startMysql({ image: 'mariadb:11', poolSize: 2, initScripts: [initScript('CREATE TABLE kept (id int);')] });
    await using before = await db.freshDatabase();
    await myQuery(before.url, 'INSERT INTO kept VALUES (1)');
    const oldDetails = db.details;
    const oldPort = db.details.port;

    await db.container.restart();

    const newPort = db.container.mappedPort(3306);
    expect(newPort).not.toBe(oldPort);
    expect(db.details.port).toBe(newPort);
    expect(db.url).toContain(`:${newPort}/`);
    expect(oldDetails.port).toBe(oldPort);
    expect(before.details.port).toBe(newPort);
    expect(await myQuery(before.url, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);
    const after = await Promise.all([db.freshDatabase(), db.freshDatabase(), db.freshDatabase()]);
    for (const f of after) {
      expect(f.details.port).toBe(newPort);
      expect(await myQuery(f.url, 'SELECT COUNT(*) AS n FROM kept')).toEqual([{ n: 0 }]);
      await f.release();
    }
  });
});

describe('redis, rabbitmq and nats take up the new ports too', () => {
  it('redis: details, URLs and flushes after the restart', async () => {
    await using server = await startRedis({ image: 'redis:7' });
    const oldPort = server.details.port;
    await using before = await server.freshDatabase();
    await server.container.restart();
    const newPort = server.container.mappedPort(6379);
    expect(newPort).not.toBe(oldPort);
    expect(server.details.port).toBe(newPort);
    expect(before.url).toContain(`:${newPort}/`);
    expect(await redisCommand(before.url, 'SET', 'k', 'v')).toBe('+OK');
    await before.release();
    // Every database, so the one given back must be flushed (through the new port) before it returns.
    const all = await Promise.all(Array.from({ length: 15 }, () => server.freshDatabase()));
    const again = all.find((d) => d.db === before.db);
    expect(again).toBeDefined();
    expect(await redisCommand(again?.url ?? '', 'GET', 'k')).toBe('$-1');
    for (const d of all) await d.release();
  });

  it('rabbitmq (management API): details, URLs and new vhosts after the restart', async () => {
    await using server = await startRabbitmq({ image: 'rabbitmq:3-management', poolSize: 1 });
    const oldPort = server.details.port;
    await server.container.restart();
    expect(server.details.port).toBe(server.container.mappedPort(5672));
    expect(server.details.port).not.toBe(oldPort);
    expect(server.details.managementPort).toBe(server.container.mappedPort(15672));
    // More than the pool kept ready: these are made through the management API on its new port.
    const vhosts = await Promise.all([server.freshVhost(), server.freshVhost(), server.freshVhost()]);
    for (const v of vhosts) {
      const connection = await amqp.connect(v.url);
      await connection.close();
      await v.release();
    }
  });

  it('nats: details and account URLs after the restart', async () => {
    await using server = await startNats({ image: 'nats:2' });
    const oldPort = server.details.port;
    await server.container.restart();
    expect(server.details.port).toBe(server.container.mappedPort(4222));
    expect(server.details.port).not.toBe(oldPort);
    await using account = await server.freshAccount();
    const { host, port, user, password } = account.details;
    const connection = await natsConnect({ servers: `${host}:${port}`, user, pass: password, reconnect: false });
    await connection.close();
  });

  it('nats: accounts released just before a restart come back, and a plain script waiting for them is not ended early', async () => {
    // Released accounts are being recycled (grace period, new password, configuration reload) when
    // the restart comes. Before the fix the script's wait for the last two accounts held nothing
    // alive, so Node ended it mid-way with exit code 13 (3 of 3 runs of the script, 1 of 2 runs of this test).
    const env: Record<string, string | undefined> = { ...process.env };
    for (const key of ['BERTH_SESSION_ID', 'BERTH_SESSION_OWNER_PID', 'BERTH_SESSION_OWNER_START']) delete env[key];
    const child = fileURLToPath(new URL('../support/nats-restart-child.mjs', import.meta.url));
    const ran = await new Promise<{ code: number | null; output: string; pid: number }>((resolve) => {
      const proc = execFile(process.execPath, [child, '5'], { env, timeout: budget(180_000) }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}`, pid: proc.pid as number });
      });
    });
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toContain('ok {"rounds":5}');
    expect(await labelled(`dev.berth.owner.pid=${ran.pid}`)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
