// Module options and berth.config go through the same strict-keys helper as container specs.
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { resolvePostgresOptions } from '../modules/postgres/options.js';
import { resolveRedisOptions } from '../modules/redis/options.js';
import { validateRunConfig } from '../services/config.js';

function thrown(fn: () => unknown): InvalidSpecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidSpecError) return error;
    throw error;
  }
  throw new Error('expected an InvalidSpecError');
}

describe('strict options', () => {
  it('postgres(): an unknown option is named, with the real name of a near miss', () => {
    expect(thrown(() => resolvePostgresOptions({ startupTimeout: 5000 } as never)).summary).toBe(
      'unknown key `startupTimeout` in postgres() options; did you mean `startupTimeoutMs`?',
    );
    expect(thrown(() => resolvePostgresOptions({ db: 'x' } as never)).summary).toContain('did you mean `database`?');
    expect(thrown(() => resolvePostgresOptions({ pool: 2 } as never)).summary).toContain('did you mean `poolSize`?');
    expect(resolvePostgresOptions({ poolSize: 1 }).poolSize).toBe(1);
  });

  it('redis(): the same', () => {
    expect(thrown(() => resolveRedisOptions({ pasword: 'x' } as never)).summary).toBe(
      'unknown key `pasword` in redis() options; did you mean `password`?',
    );
    expect(thrown(() => resolveRedisOptions({ maxmemory: '1g' } as never)).hint).toContain('known keys there: image, password, args');
  });

  it('berth.config: an unknown top-level key is named with the file it is in', () => {
    const services = { db: { start: async () => ({}) } };
    expect(thrown(() => validateRunConfig({ default: { services, enviroment: {} } }, 'berth.config.ts')).summary).toBe(
      'unknown key `enviroment` in berth.config.ts; did you mean `env`?',
    );
    expect(validateRunConfig({ default: { services } }, 'berth.config.ts').services).toBe(services);
  });
});
