// Bad input to the postgres module against the real engine: each case fails quickly with an error
// that says what happened, and leaves no container behind.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ContainerNotRunningError, MissingPeerDependencyError, ModuleError, WaitTimeoutError } from '@berth/core';
import { postgres, startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { POSTGRES_VERSIONS } from '../support/postgres-versions.js';

const run = promisify(execFile);

async function gone(containerId: unknown): Promise<boolean> {
  return (await docker('ps', '-aq', '--no-trunc', '--filter', `id=${String(containerId)}`)) === '';
}

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe.each(POSTGRES_VERSIONS)('wrong credentials on $image', ({ image }) => {
  // md5 before 14, scram-sha-256 from 14: both refuse a wrong password with the same SQLSTATE.
  it('wrong credentials in a hand-built URL: the driver says so at once, no hang', async () => {
    await using db = await startPostgres({ image, poolSize: 0 });
    const url = `postgres://test:wrong@${db.details.host}:${db.details.port}/test`;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    const began = performance.now();
    const error = await client.connect().catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('28P01');
    expect(String(error)).toContain('password authentication failed for user "test"');
    expect(performance.now() - began).toBeLessThan(budget(10_000));
    await client.end().catch(() => undefined);
  });
});

describe('postgres bad input', () => {
  it('a setup hook that throws: ModuleError naming the hook, its error as cause, and no container left', async () => {
    const boom = new Error('migration 003 is broken');
    const definition = postgres({
      setup: async function migrate() {
        throw boom;
      },
    });
    const error = await definition.start({ name: 'db' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    const moduleError = error as ModuleError;
    expect(moduleError.code).toBe('BERTH_MODULE_ERROR');
    expect(moduleError.summary).toBe('postgres `setup` hook (migrate) failed: migration 003 is broken');
    expect(moduleError.cause).toBe(boom);
    expect((moduleError.cause as Error).stack).toContain('postgres-errors.test.ts');
    expect(moduleError.details).toMatchObject({ hook: 'setup', service: 'db', image: 'postgres:15' });
    expect(await gone(moduleError.details.containerId)).toBe(true);
  });

  it('a fresh database after stop: ContainerNotRunningError; after the container vanished: ModuleError, quickly', async () => {
    const db = await startPostgres({ poolSize: 0, connectTimeoutMs: 3000 });
    await docker('rm', '-f', '-v', db.container.id);
    const began = performance.now();
    const vanished = await db.freshDatabase().catch((e: unknown) => e);
    expect(vanished).toBeInstanceOf(ModuleError);
    expect((vanished as ModuleError).message).toContain(`postgres container ${db.container.name}`);
    expect(performance.now() - began).toBeLessThan(budget(10_000));

    await db.stop();
    const stopped = await db.freshDatabase().catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ContainerNotRunningError);
    expect((stopped as ContainerNotRunningError).code).toBe('BERTH_CONTAINER_NOT_RUNNING');
    expect((stopped as Error).message).toContain(`postgres container ${db.container.name} was stopped`);
    await expect(db.snapshot()).rejects.toBeInstanceOf(ContainerNotRunningError);
  });

  it('an image that is not postgres: readiness times out with its last log lines', async () => {
    const error = await startPostgres({
      image: 'busybox:latest',
      startupTimeoutMs: 8000,
      spec: { command: ['sh', '-c', 'echo "this is not postgres"; sleep 600'] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const timeout = error as WaitTimeoutError;
    expect(timeout.summary).toContain('ready to accept connections');
    expect(timeout.details.logTail).toContain('this is not postgres');
    expect(timeout.message).toContain('| this is not postgres');
    expect(await gone(timeout.details.containerId)).toBe(true);
  });
});

describe('without the pg driver', () => {
  // A resolve hook makes `pg` unresolvable in a child process, as in a project that never installed it.
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === 'pg') throw Object.assign(new Error("Cannot find package 'pg' imported from " + context.parentURL), { code: 'ERR_MODULE_NOT_FOUND' });
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const script = `
    import { startPostgres } from '@berth/core/postgres';
    const describe = (e) => ({ name: e.name, code: e.code, hint: e.hint, message: e.message });
    const out = {};
    out.setup = await startPostgres({ setup: () => {} }).then(() => 'started', describe);
    const db = await startPostgres({ poolSize: 0 });
    out.url = db.url;
    out.fresh = await db.freshDatabase().then(() => 'fresh', describe);
    await db.stop();
    console.log(JSON.stringify(out));
  `;

  it('starts the container and its URL work; setup and fresh databases say "install pg"', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script],
      { cwd: process.cwd(), env: process.env, timeout: 110_000 },
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.url).toMatch(/^postgres:\/\/test:test@127\.0\.0\.1:\d+\/test$/);
    for (const failure of [out.setup, out.fresh]) {
      expect(failure).toMatchObject({ name: MissingPeerDependencyError.name, code: 'BERTH_MISSING_PEER_DEPENDENCY' });
      expect(failure.hint).toMatch(/install pg/);
    }
  });
});
