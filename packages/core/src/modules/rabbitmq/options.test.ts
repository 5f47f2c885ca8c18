import { describe, expect, it } from 'vitest';
import { amqpUrl } from './details.js';
import { resolveRabbitmqOptions } from './options.js';

describe('resolveRabbitmqOptions', () => {
  it('fills the image defaults and turns management on for -management tags', () => {
    expect(resolveRabbitmqOptions()).toMatchObject({
      image: 'rabbitmq:3-management',
      user: 'guest',
      password: 'guest',
      vhost: '/',
      management: true,
    });
    expect(resolveRabbitmqOptions({ image: 'rabbitmq:3.13' })).toMatchObject({ management: false, poolSize: 2, poolConcurrency: 1 });
    expect(resolveRabbitmqOptions()).toMatchObject({ poolSize: 8, poolConcurrency: 4, acquireTimeoutMs: 30_000 });
    expect(resolveRabbitmqOptions({ acquireTimeoutMs: 250 }).acquireTimeoutMs).toBe(250);
    expect(resolveRabbitmqOptions({ image: 'registry:5000/rabbitmq:3-management-alpine' }).management).toBe(true);
    expect(resolveRabbitmqOptions({ image: 'localhost:5000/management/rabbitmq' }).management).toBe(false);
    expect(resolveRabbitmqOptions({ image: 'rabbitmq:3', management: true }).management).toBe(true);
  });

  it('keeps definitions given as an object as JSON text', () => {
    expect(resolveRabbitmqOptions({ definitions: { vhosts: [{ name: 'x' }] } }).definitions).toBe('{"vhosts":[{"name":"x"}]}');
  });

  it('quotes the option and the bad value', () => {
    expect(() => resolveRabbitmqOptions({ user: 'a b' })).toThrow(
      'rabbitmq(): expected `user` to be a non-empty string without spaces, got "a b"',
    );
    expect(() => resolveRabbitmqOptions({ vhost: '' })).toThrow('expected `vhost` to be a string of 1–255 bytes');
    expect(() => resolveRabbitmqOptions({ poolConcurrency: 0 })).toThrow('expected `poolConcurrency` to be a whole number ≥ 1, got 0');
    expect(() => resolveRabbitmqOptions({ acquireTimeoutMs: 0 })).toThrow(
      'rabbitmq(): expected `acquireTimeoutMs` to be a whole number ≥ 1, got 0',
    );
    expect(() => resolveRabbitmqOptions({ acquireTimeoutMs: 1.5 })).toThrow(
      'expected `acquireTimeoutMs` to be a whole number ≥ 1, got 1.5',
    );
    expect(() => resolveRabbitmqOptions({ acquireTimeout: 100 } as never)).toThrow(/acquireTimeout/);
    expect(() => resolveRabbitmqOptions({ definitions: ['x'] as never })).toThrow(
      'expected `definitions` to be a path to a JSON file or an object',
    );
  });
});

describe('amqpUrl', () => {
  it('encodes credentials and the vhost, / included', () => {
    expect(amqpUrl({ host: '127.0.0.1', port: 5672, user: 'a@b', password: 'p/w', vhost: '/' })).toBe(
      'amqp://a%40b:p%2Fw@127.0.0.1:5672/%2F',
    );
    expect(amqpUrl({ host: '::1', port: 1, user: 'u', password: 'p', vhost: 'orders' })).toBe('amqp://u:p@[::1]:1/orders');
  });
});
