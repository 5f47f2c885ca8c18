// Bad input to the mysql module against the real engine: each case fails quickly with an error that
// says what happened, prints no secret, and leaves no container behind.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ContainerNotRunningError,
  InvalidSpecError,
  MissingPeerDependencyError,
  ModuleError,
  PoolTimeoutError,
  WaitFailedError,
  WaitTimeoutError,
} from '@berth/core';
import { mysql, startMysql } from '@berth/core/mysql';
import mysql2 from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

const run = promisify(execFile);
const MYSQL = testImage('mysql:8');

async function gone(containerId: unknown): Promise<boolean> {
  return (await docker('ps', '-aq', '--no-trunc', '--filter', `id=${String(containerId)}`)) === '';
}

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('mysql bad input', () => {
  it('wrong root password in a hand-built URL: the driver says so at once, no hang', async () => {
    await using db = await startMysql({ image: MYSQL, poolSize: 0 });
    const began = performance.now();
    const error = await mysql2
      .createConnection({ uri: `mysql://root:wrong@${db.details.host}:${db.details.port}/test`, connectTimeout: 10_000 })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ER_ACCESS_DENIED_ERROR');
    expect(String(error)).toContain("Access denied for user 'root'");
    expect(performance.now() - began).toBeLessThan(budget(10_000));
  });

  it('a request the pool cannot serve in acquireTimeoutMs: PoolTimeoutError saying what the pool does, then served later', async () => {
    // No database kept ready, and 1 ms is less than any copy of the template takes (several round trips).
    await using db = await startMysql({ image: MYSQL, poolSize: 0, acquireTimeoutMs: 1 });
    const error = await db.freshDatabase().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error).toMatchObject({ code: 'BERTH_POOL_TIMEOUT', details: { pool: { ready: 0, leased: 0 } } });
    const pool = (error as PoolTimeoutError).details?.pool as { creating: number } | undefined;
    expect(pool?.creating).toBeGreaterThan(0);
    expect((error as Error).message).toContain(`fresh databases of mysql container ${db.container.name}`);
    // The copy it started goes on and serves a later request.
    await expect
      .poll(
        async () =>
          (await db.freshDatabase().then(
            (f) => f.name,
            () => undefined,
          )) !== undefined,
        poll(30_000),
      )
      .toBe(true);
  });

  // The secret check needs the redaction of registered secrets in BerthError (wave 2, 15-newcomer).
  it('a setup hook that throws: ModuleError naming the hook, no secret in it, no container left', async () => {
    const secret = 'S3cret-root-pw';
    const boom = new Error(`migration 003 is broken (connected with ${secret})`);
    const definition = mysql({
      image: MYSQL,
      rootPassword: secret,
      setup: async function migrate() {
        throw boom;
      },
    });
    const error = await definition.start({ name: 'db' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    const moduleError = error as ModuleError;
    expect(moduleError.summary).toMatch(/^mysql `setup` hook \(migrate\) failed: migration 003 is broken/);
    // The cause is the hook's error (a redacted copy once secrets are redacted in every BerthError).
    expect((moduleError.cause as Error).message).toMatch(/^migration 003 is broken/);
    expect(moduleError.details).toMatchObject({ hook: 'setup', service: 'db', image: MYSQL });
    expect(moduleError.message).not.toContain(secret);
    expect(await gone(moduleError.details.containerId)).toBe(true);
  });

  it('a template with a view: the start fails naming what fresh databases cannot copy, no container left', async () => {
    const error = await startMysql({
      image: MYSQL,
      setup: async (url) => {
        const connection = await mysql2.createConnection(url);
        await connection.query('CREATE TABLE t (id int)');
        await connection.query('CREATE VIEW v AS SELECT id FROM t');
        await connection.end();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).summary).toContain('has objects fresh databases cannot copy yet: view v');
    expect((error as ModuleError).hint).toContain('tables (with foreign keys and seed rows) only');
    expect(await gone((error as ModuleError).details.containerId)).toBe(true);
  });

  it('a fresh database after stop: ContainerNotRunningError; after the container vanished: ModuleError, quickly', async () => {
    const db = await startMysql({ image: MYSQL, poolSize: 0, connectTimeoutMs: 3000 });
    await docker('rm', '-f', '-v', db.container.id);
    const began = performance.now();
    const vanished = await db.freshDatabase().catch((e: unknown) => e);
    expect(vanished).toBeInstanceOf(ModuleError);
    expect((vanished as ModuleError).message).toContain(`mysql container ${db.container.name}`);
    expect(performance.now() - began).toBeLessThan(budget(10_000));

    await db.stop();
    const stopped = await db.freshDatabase().catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ContainerNotRunningError);
    expect((stopped as Error).message).toContain(`mysql container ${db.container.name} was stopped`);
  });

  it('an image that is not mysql: readiness times out with its last log lines', async () => {
    const error = await startMysql({
      image: 'busybox:latest',
      startupTimeoutMs: 8000,
      spec: { command: ['sh', '-c', 'echo "this is not mysql"; sleep 600'] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const timeout = error as WaitTimeoutError;
    expect(timeout.summary).toContain('ready for connections');
    expect(timeout.details.logTail).toContain('this is not mysql');
    expect(await gone(timeout.details.containerId)).toBe(true);
  });

  it('a postgres image: refused by name at once, and by its log when it runs under another name', async () => {
    expect(() => mysql({ image: 'postgres:15' })).toThrow(InvalidSpecError);
    expect(() => mysql({ image: 'postgres:15' })).toThrow(/hint: for postgres use `postgres\(\)`/);

    const began = performance.now();
    const error = await startMysql({
      image: MYSQL,
      startupTimeoutMs: 60_000,
      spec: (generated) => ({ ...generated, image: 'postgres:15', env: { POSTGRES_PASSWORD: 'x' }, command: ['postgres'] }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toContain('runs postgres, not mysql');
    expect(performance.now() - began).toBeLessThan(budget(30_000));
    expect(await gone((error as WaitFailedError).details.containerId)).toBe(true);
  });
});

describe('without the mysql2 driver', () => {
  // A resolve hook makes `mysql2` unresolvable in a child process, as in a project that never installed it.
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === 'mysql2' || specifier === 'mysql2/promise') throw Object.assign(new Error("Cannot find package 'mysql2' imported from " + context.parentURL), { code: 'ERR_MODULE_NOT_FOUND' });
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const script = `
    import { startMysql } from '@berth/core/mysql';
    const describe = (e) => ({ name: e.name, code: e.code, hint: e.hint, message: e.message });
    const out = {};
    out.setup = await startMysql({ setup: () => {} }).then(() => 'started', describe);
    const db = await startMysql({ poolSize: 0 });
    out.url = db.url;
    out.fresh = await db.freshDatabase().then(() => 'fresh', describe);
    await db.stop();
    console.log(JSON.stringify(out));
  `;

  it('starts the container and its URL works; setup and fresh databases say "install mysql2"', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script],
      { cwd: process.cwd(), env: process.env, timeout: 110_000 },
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.url).toMatch(/^mysql:\/\/test:test@127\.0\.0\.1:\d+\/test$/);
    for (const failure of [out.setup, out.fresh]) {
      expect(failure).toMatchObject({ name: MissingPeerDependencyError.name, code: 'BERTH_MISSING_PEER_DEPENDENCY' });
      expect(failure.hint).toMatch(/install mysql2/);
    }
  });
});
