/**
 * Secrets never printed, against the real engine, real postgres and the real local registry: every
 * error berth throws (and every debug line it writes while DEBUG=berth:* is on) is free of the
 * password, whether berth built the text or the user's own code put it there.
 *
 * Needs: bash scripts/engine-up && node scripts/provision-images.mjs postgres:15 busybox:latest
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { BerthError, ensureImage, getEngine, ModuleError, RegistryAuthError } from '@berth/core';
import { startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../packages/core/src/config.js';
import { budget } from '../support/budget.js';
import { labelled } from '../support/docker.js';
import { pushToRegistry, startRegistry, type TestRegistry } from '../support/registry.js';

const PASSWORD = 'Pg-S3cret-7731';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every way a runner or a user prints an error. */
function printed(error: unknown): string {
  const e = error as Error & { details?: unknown };
  return [String(e), e.stack ?? '', inspect(e, { depth: null }), JSON.stringify(e.details ?? {})].join('\n');
}

// DEBUG=berth:* for the whole file: the debug output is captured and checked after each test.
const requireFromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const createDebug = requireFromCore('debug') as { enable(ns: string): void; disable(): string };
let captured = '';
let previousDebug = '';
const originalWrite = process.stderr.write.bind(process.stderr);

beforeEach(() => {
  captured = '';
  previousDebug = createDebug.disable();
  createDebug.enable('berth:*');
  process.stderr.write = ((chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
});

afterEach(() => {
  process.stderr.write = originalWrite;
  createDebug.disable();
  if (previousDebug) createDebug.enable(previousDebug);
});

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('postgres errors hold no password', () => {
  it('a setup hook that throws the template URL', async () => {
    const error = await startPostgres({
      password: PASSWORD,
      poolSize: 0,
      setup: (url) => {
        throw new Error(`failed at ${url}`);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    const cause = (error as ModuleError).cause as Error;
    // The user's error is attached as a redacted copy: same class, message shape, stack shape.
    expect(cause).toBeInstanceOf(Error);
    expect(cause.message).toMatch(/^failed at postgres:\/\/test:\*\*\*@[^/]+\/berth_template$/);
    expect(cause.stack).toContain('secrets.test.ts');
    expect(printed(error)).not.toContain(PASSWORD);
    expect(captured).toMatch(/berth:/);
    expect(captured).not.toContain(PASSWORD);
  });

  it('a CREATE DATABASE that fails (the template has a connection)', async () => {
    await using db = await startPostgres({ password: PASSWORD, poolSize: 0 });
    // Without a setup hook the template is made in the background; a snapshot waits for it to be
    // complete (locked and marked), so the unlock below cannot race its preparation. (A fresh database
    // would too, but the pool would then keep one ready and the CREATE below would not run.)
    await db.snapshot('template_ready');
    // A client holding the template open makes CREATE DATABASE ... TEMPLATE fail.
    const admin = new pg.Client({ connectionString: db.details.url });
    admin.on('error', () => undefined);
    await admin.connect();
    await admin.query('ALTER DATABASE berth_template ALLOW_CONNECTIONS true');
    await admin.end();
    const holder = new pg.Client({ connectionString: db.details.url.replace(/\/test$/, '/berth_template') });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      const error = await db.freshDatabase().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BerthError);
      expect(printed(error)).toMatch(/being accessed by other users|berth_template/);
      expect(printed(error)).not.toContain(PASSWORD);
      expect(printed(error)).not.toContain(encodeURIComponent(PASSWORD));
    } finally {
      await holder.end();
    }
    expect(captured).not.toContain(PASSWORD);
  });
});

describe('a conventional password never blanks out words', () => {
  it('an image that is not present, with password `postgres`: the image, the hint and debug lines stay whole', async () => {
    const error = await startPostgres({ image: 'postgres:99', password: 'postgres', spec: { pullPolicy: 'never' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BerthError);
    const text = printed(error);
    expect(text).toContain('image postgres:99 is not present in the engine');
    expect(text).toContain('postgres:99');
    expect(text).not.toContain('***:99');
    expect(captured).toContain('postgres:99');
    expect(captured).not.toContain('***');
  });

  it('a setup hook that throws the template URL, with password `postgres`: the URL password is hidden, the rest kept', async () => {
    const error = await startPostgres({
      password: 'postgres',
      poolSize: 0,
      setup: (url) => {
        throw new Error(`failed at ${url} in postgres`);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    const cause = (error as ModuleError).cause as Error;
    expect(cause.message).toMatch(/^failed at postgres:\/\/test:\*\*\*@[^/]+\/berth_template in postgres$/);
    expect(printed(error)).not.toContain(':postgres@');
    // Debug lines name the container and its image in full.
    expect(captured).toMatch(/berth-postgres-[0-9a-f]+/);
    expect(captured).not.toContain(':postgres@');
  });
});

describe('registry errors hold no credentials', () => {
  let registry: TestRegistry;
  let scratch: string;
  let ref: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'berth-secrets-it-'));
    registry = await startRegistry({ auth: true });
    ref = await pushToRegistry(registry, 'busybox:latest', `berth-it/secrets:${process.pid}`);
  }, budget(120_000));

  afterAll(async () => {
    await (await getEngine()).removeImage(ref, true).catch(() => undefined);
    await registry?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('a wrong registry password', async () => {
    const wrong = `not-${registry.password}`;
    await writeFile(
      join(scratch, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { username: registry.username, password: wrong } } }),
    );
    const config = readConfig({ DOCKER_CONFIG: scratch }, scratch);
    const engine = await getEngine();
    const error = await ensureImage(engine, ref, { config, tty: false, pullPolicy: 'always' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAuthError);
    for (const leaked of [wrong, b64(`${registry.username}:${wrong}`).replace(/=+$/, '')]) {
      expect(printed(error)).not.toContain(leaked);
      expect(captured).not.toContain(leaked);
    }
    expect(captured).toMatch(/berth:image/);
  });
});
