import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../errors.js';
import { redisReadyLine, redisSpec } from './container-spec.js';
import { redisUrl } from './details.js';
import { flavorOf, resolveRedisOptions } from './options.js';

describe('redis options', () => {
  it('defaults to redis:7 without a password', () => {
    const spec = redisSpec(resolveRedisOptions());
    expect(spec.image).toBe('redis:7');
    // Options only: the image's entrypoint runs them as `redis-server <options>`.
    expect(spec.command).toEqual(['--protected-mode', 'no', '--databases', '16']);
    expect(spec.ports).toEqual([6379]);
  });

  it('passes the password and extra arguments to redis-server through the entrypoint', () => {
    const spec = redisSpec(resolveRedisOptions({ password: 's3cret', args: ['--appendonly', 'yes'] }));
    expect(spec.command).toEqual(['--protected-mode', 'no', '--databases', '16', '--requirepass', 's3cret', '--appendonly', 'yes']);
    expect(spec.entrypoint).toBeUndefined();
  });

  it('valkey images are valkey by repository name, with the same command and their own ready line', () => {
    for (const image of [
      'valkey/valkey:8',
      'valkey/valkey',
      'valkey:8.1',
      'registry:5000/valkey:8',
      'ghcr.io/valkey-io/valkey@sha256:abc',
    ]) {
      expect(flavorOf(image)).toBe('valkey');
    }
    for (const image of [
      'redis:7',
      'redis',
      'bitnami/redis:7.2',
      'valkey-like/redis:7',
      'registry:5000/notvalkey:1',
      'valkey/valkey-bundle:8',
    ]) {
      expect(flavorOf(image)).toBe('redis');
    }
    const valkey = redisSpec(resolveRedisOptions({ image: 'valkey/valkey:8' }));
    expect(valkey.command).toEqual(redisSpec(resolveRedisOptions()).command);
    expect(valkey.wait?.description).toContain(JSON.stringify(redisReadyLine('valkey')));
    expect(redisReadyLine('valkey')).toBe('Ready to accept connections tcp');
    expect(redisSpec(resolveRedisOptions()).wait?.description).toContain('"Ready to accept connections"');
  });

  it.each([
    [{ password: '' }, '`password` to be a non-empty string without spaces, got ""'],
    [{ args: '--appendonly yes' }, '`args` to be an array of strings'],
    [{ startupTimeoutMs: 0 }, '`startupTimeoutMs` to be a whole number ≥ 1, got 0'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveRedisOptions(options as never)).toThrow(InvalidSpecError);
    expect(() => resolveRedisOptions(options as never)).toThrow(message);
  });

  it('builds URLs with the password encoded and the db as path', () => {
    expect(redisUrl({ host: '127.0.0.1', port: 1234, db: 0 })).toBe('redis://127.0.0.1:1234/0');
    expect(redisUrl({ host: '::1', port: 1234, password: 'a/b@c', db: 3 })).toBe('redis://:a%2Fb%40c@[::1]:1234/3');
  });
});
