import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError, CleanupError, ModuleError, withDetails } from './errors.js';
import { clearSecretsForTests, redact, redactError, registerCredentials, registerSecret } from './secrets.js';
import { acquireLease, startBroker } from './services/broker.js';
import type { RunningService } from './services/definition.js';

const SECRET = 'Pg-S3cret-7731';

/** Every way a runner or a user prints an error. */
function printed(error: unknown): string {
  const e = error as Error & { details?: unknown };
  return [String(e), e.stack ?? '', inspect(e, { depth: null }), JSON.stringify(e.details ?? {})].join('\n');
}

afterEach(() => clearSecretsForTests());

describe('redact', () => {
  it('replaces registered secrets, their URL-encoded and base64 forms', () => {
    registerSecret('p@ss word/1');
    expect(redact('pw=p@ss word/1')).toBe('pw=***');
    expect(redact(`url-encoded ${encodeURIComponent('p@ss word/1')}`)).toBe('url-encoded ***');
    expect(redact(Buffer.from('p@ss word/1').toString('base64'))).not.toContain(Buffer.from('p@ss word/1').toString('base64').slice(0, 8));
  });

  it('ignores values too short to be told apart from ordinary text', () => {
    registerSecret('pg');
    expect(redact('pg is up')).toBe('pg is up');
  });

  // A conventional test password is a word: it is hidden where it stands as a password, and nowhere else.
  describe.each(['postgres', 'test', 'a', 'berth-test/postgres-client:bookworm'])('a password that is a word or a name: %j', (password) => {
    const url = (host: string) => `postgres://test:${encodeURIComponent(password)}@${host}:5432/test`;

    it('keeps image names, container names, users, hints and debug lines whole', () => {
      registerSecret(password);
      const texts = [
        'image postgres:99 is not present in the engine',
        'hint: pull or build it first (docker pull postgres:99)',
        'created berth-postgres-948f6814 from postgres:18',
        'password authentication failed for user "test"',
        'image berth-test/postgres-client:bookworm is not present (docker pull berth-test/postgres-client:bookworm)',
        "Access denied for user 'test'@'172.17.0.1' (using password: YES)",
        'a test of a database called postgres',
      ];
      for (const text of texts) expect(redact(text)).toBe(text);
    });

    it('is still hidden in a URL, an env assignment, a flag and a credential field', () => {
      registerSecret(password);
      expect(redact(`connect to ${url('h')} refused`)).toBe('connect to postgres://test:***@h:5432/test refused');
      expect(redact(`env POSTGRES_PASSWORD=${password} PGPASSWORD=${password} MYSQL_ROOT_PASSWORD=${password}`)).toBe(
        'env POSTGRES_PASSWORD=*** PGPASSWORD=*** MYSQL_ROOT_PASSWORD=***',
      );
      expect(redact(JSON.stringify({ Env: [`RABBITMQ_DEFAULT_PASS=${password}`], Cmd: ['redis-server', '--requirepass', password] }))).toBe(
        '{"Env":["RABBITMQ_DEFAULT_PASS=***"],"Cmd":["redis-server","--requirepass","***"]}',
      );
      expect(redact(`mysqladmin --password=${password} ping; redis-server --requirepass ${password}`)).toBe(
        'mysqladmin --password=*** ping; redis-server --requirepass ***',
      );
      expect(redact(`{ user: "test", password: "${password}" }`)).toBe('{ user: "test", password: "***" }');
    });
  });

  it('replaces a distinctive secret wherever it appears', () => {
    registerSecret('Pg-S3cret-7731');
    expect(redact('setup failed: Pg-S3cret-7731 (Pg-S3cret-7731)')).toBe('setup failed: *** (***)');
    expect(redact('base64 UGctUzNjcmV0LTc3MzE')).toBe('base64 ***');
  });

  it('hides a registered token in a URL without a password part, and leaves a plain user alone', () => {
    registerSecret('s3cr3t-token-value');
    registerSecret('tok');
    expect(redact('nats://s3cr3t-token-value@127.0.0.1:4222')).toBe('nats://***@127.0.0.1:4222');
    expect(redact('nats://tok@127.0.0.1:4222')).toBe('nats://***@127.0.0.1:4222');
    expect(redact('postgres://test@127.0.0.1:5432/db')).toBe('postgres://test@127.0.0.1:5432/db');
  });

  it('removes URL passwords without knowing them, keeping the user and host', () => {
    expect(redact('failed at postgres://test:unknown-pw@127.0.0.1:5432/db')).toBe('failed at postgres://test:***@127.0.0.1:5432/db');
    expect(redact('redis://:only-a-pass@host:6379')).toBe('redis://:***@host:6379');
    expect(redact('http://127.0.0.1:8080/path')).toBe('http://127.0.0.1:8080/path');
  });

  it('removes registry credentials: auth headers, X-Registry-Auth and config fields', () => {
    expect(redact('Authorization: Basic YWxpY2U6cHc=')).toBe('Authorization: Basic ***');
    expect(redact('authorization: Bearer abc.def.ghi')).toBe('authorization: Bearer ***');
    expect(redact('X-Registry-Auth: eyJ1c2VybmFtZSI6ImEifQ==')).toBe('X-Registry-Auth: ***');
    expect(redact('{"auths":{"r":{"auth":"YWxpY2U6cHc=","password":"pw1234"}}}')).toBe('{"auths":{"r":{"auth":"***","password":"***"}}}');
  });

  it('registers user:password credentials in their basic-auth form', () => {
    registerCredentials('alice', 'reg-pass-99');
    const basic = Buffer.from('alice:reg-pass-99').toString('base64');
    expect(redact(`sent ${basic}`)).not.toContain(basic.replace(/=+$/, ''));
  });
});

describe('redactError', () => {
  it('returns the error itself when it carries no secret', () => {
    const error = new Error('plain');
    expect(redactError(error)).toBe(error);
  });

  it('copies an error that carries a secret, keeping its class, name and stack shape, leaving the original alone', () => {
    registerSecret(SECRET);
    class MigrationError extends Error {
      override name = 'MigrationError';
      readonly url = `postgres://test:${SECRET}@db/test`;
    }
    const original = new MigrationError(`failed at postgres://test:${SECRET}@db/test`);
    const copy = redactError(original);
    expect(copy).not.toBe(original);
    expect(copy).toBeInstanceOf(MigrationError);
    expect(copy.name).toBe('MigrationError');
    expect(copy.message).toBe('failed at postgres://test:***@db/test');
    expect(copy.stack?.split('\n')[0]).toBe('MigrationError: failed at postgres://test:***@db/test');
    expect(copy.stack?.split('\n').length).toBe(original.stack?.split('\n').length);
    expect(copy.url).toBe('postgres://test:***@db/test');
    expect(original.message).toContain(SECRET);
    expect(printed(copy)).not.toContain(SECRET);
  });
});

describe('BerthError redaction', () => {
  it('redacts message, hint, details, stack and the whole cause chain', () => {
    registerSecret(SECRET);
    const root = new TypeError(`connect to postgres://test:${SECRET}@h:5432/x refused`);
    const middle = new Error(`wrapper with ${SECRET}`, { cause: root });
    const error = new ModuleError(`setup failed: ${SECRET}`, {
      hint: `try psql postgres://test:${SECRET}@h/x`,
      cause: middle,
      details: { service: 'db', url: `postgres://test:${SECRET}@h/x`, nested: { list: [SECRET] }, logTail: [`FATAL ${SECRET}`] },
    });
    const text = printed(error);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('setup failed: ***');
    expect(error).toBeInstanceOf(ModuleError);
    expect(error.code).toBe('BERTH_MODULE_ERROR');
    const cause = error.cause as Error;
    expect(cause.message).toBe('wrapper with ***');
    expect(cause.cause).toBeInstanceOf(TypeError);
    expect((cause.cause as Error).message).toBe('connect to postgres://test:***@h:5432/x refused');
    expect(printed(withDetails(error, { phase: 'wait' }, (m, o) => new BerthError(m, o)))).not.toContain(SECRET);
  });

  it('wraps a non-berth error through withDetails without leaking it', () => {
    registerSecret(SECRET);
    const wrapped = withDetails(new Error(`boom ${SECRET}`), { image: 'x' }, (m, o) => new ModuleError(m, o));
    expect(printed(wrapped)).not.toContain(SECRET);
  });

  it('keeps an error without secrets as its cause, by identity', () => {
    const cause = new Error('plain');
    expect(new BerthError('x', { cause }).cause).toBe(cause);
  });
});

describe('broker errors that travel to workers', () => {
  it('reach the worker redacted, whatever the isolation threw', async () => {
    registerSecret(SECRET);
    const service: RunningService = {
      details: { kind: 'fake', host: '127.0.0.1', port: 1, containerName: 'fake' },
      isolation: {
        acquire: async () => {
          throw new Error(`CREATE DATABASE failed on postgres://test:${SECRET}@127.0.0.1:1/x`);
        },
        release: async () => undefined,
      },
      stop: async () => undefined,
    };
    const broker = await startBroker({ db: service });
    try {
      // The worker is another process: it knows no registered secret.
      clearSecretsForTests();
      const error = await acquireLease(broker.address, 'db').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BerthError);
      expect(printed(error)).not.toContain(SECRET);
      expect(String(error)).toContain('postgres://test:***@127.0.0.1:1/x');
    } finally {
      await broker.close();
    }
  });
});

describe('credential fields', () => {
  it('hides a field named like a credential even when its value was never registered', () => {
    const error = new BerthError('x', { details: { password: 'never-registered', user: 'test', nested: { authToken: 'abc' } } });
    expect(error.details).toEqual({ password: '***', user: 'test', nested: { authToken: '***' } });
  });
});

describe('CleanupError', () => {
  it('holds redacted copies of the failures it collected', () => {
    registerSecret(SECRET);
    const error = new CleanupError('2 steps failed', [new Error(`drop on postgres://u:${SECRET}@h/x failed`), 'plain']);
    expect(printed(error)).not.toContain(SECRET);
    expect(error.errors[1]).toBe('plain');
  });
});
