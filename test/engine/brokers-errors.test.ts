// Bad input to the rabbitmq and nats modules against the real engine: each case fails with a typed
// error that says what happened (and what to do), quickly, and leaves no container behind.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContainerExitedError,
  ContainerNotRunningError,
  InvalidSpecError,
  ModuleError,
  PoolTimeoutError,
  WaitFailedError,
  WaitTimeoutError,
} from '@berth/core';
import { nats, startNats } from '@berth/core/nats';
import { rabbitmq, startRabbitmq } from '@berth/core/rabbitmq';
import { afterAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

const session = () => `dev.berth.session=${process.env.BERTH_SESSION_ID}`;

async function gone(containerId: unknown): Promise<boolean> {
  return (await docker('ps', '-aq', '--no-trunc', '--filter', `id=${String(containerId)}`)) === '';
}

afterAll(async () => {
  const left = await labelled(session());
  expect(left.containers).toEqual([]);
});

describe('rabbitmq bad input', () => {
  it('wrong credentials (definitions define other users): the broker refuses, berth says why at once', async () => {
    const began = performance.now();
    const error = await startRabbitmq({
      image: testImage('rabbitmq:3'),
      user: 'me',
      password: 'pw',
      startupTimeoutMs: 180_000,
      definitions: {
        users: [{ name: 'other', password: 'x', tags: 'administrator' }],
        vhosts: [{ name: '/' }],
        permissions: [{ user: 'other', vhost: '/', configure: '.*', write: '.*', read: '.*' }],
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    const failed = error as WaitFailedError;
    expect(failed.summary).toContain('403 ACCESS_REFUSED');
    expect(failed.hint).toContain('include this user');
    expect(failed.details).toMatchObject({ image: testImage('rabbitmq:3'), phase: 'wait' });
    // A refusal ends the wait: far below the start timeout, even when a busy machine slows the boot.
    expect(performance.now() - began).toBeLessThan(budget(90_000));
    expect(await gone(failed.details.containerId)).toBe(true);
  });

  it('a definitions file the broker cannot import: the same clear refusal instead of a hang', async () => {
    // A user without a password: the import fails inside the broker, and since definitions were
    // given, the default user is not created either.
    const error = await startRabbitmq({ image: testImage('rabbitmq:3'), definitions: { users: [{ name: 'broken' }] } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toContain('ACCESS_REFUSED');
    expect(await gone((error as WaitFailedError).details.containerId)).toBe(true);
  });

  it('a definitions file that is not JSON: InvalidSpecError before any container exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-defs-'));
    const file = join(dir, 'definitions.json');
    writeFileSync(file, '{ "users": [');
    const before = await labelled(session());
    expect(() => rabbitmq({ definitions: file })).toThrow(InvalidSpecError);
    expect(() => rabbitmq({ definitions: join(dir, 'missing.json') })).toThrow(/cannot read `definitions`/);
    expect(() => rabbitmq({ poolSize: -1 })).toThrow('rabbitmq(): expected `poolSize` to be a whole number ≥ 0, got -1');
    expect((await labelled(session())).containers).toEqual(before.containers);
  });

  it('an image that is not a broker: a timeout naming the AMQP check, with a hint about the image', async () => {
    const error = await startRabbitmq({ image: 'redis:7', startupTimeoutMs: 3_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const timeout = error as WaitTimeoutError;
    expect(timeout.summary).toContain('AMQP connection as "guest"');
    expect(timeout.hint).toContain('is redis:7 a RabbitMQ image?');
    expect(await gone(timeout.details.containerId)).toBe(true);
  });

  it('management asked of an image without the plugin: fails soon after AMQP is up, naming the plugin', async () => {
    const began = performance.now();
    const error = await startRabbitmq({ image: testImage('rabbitmq:3'), management: true, startupTimeoutMs: 180_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toContain('management API on port 15672 did not answer');
    expect((error as WaitFailedError).hint).toContain('management: false');
    expect(performance.now() - began).toBeLessThan(budget(90_000)); // boot + a 10 s grace, not the 180 s start timeout
    expect(await gone((error as WaitFailedError).details.containerId)).toBe(true);
  });

  it('a setup hook that throws: ModuleError naming the hook, its error as cause, no container left', async () => {
    const boom = new Error('cannot declare exchange');
    const error = await rabbitmq({
      image: testImage('rabbitmq:3'),
      setup: async function declareTopology() {
        throw boom;
      },
    })
      .start({ name: 'mq' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    const moduleError = error as ModuleError;
    expect(moduleError.summary).toBe('rabbitmq `setup` hook (declareTopology) failed: cannot declare exchange');
    expect(moduleError.cause).toBe(boom);
    expect(moduleError.details).toMatchObject({ hook: 'setup', service: 'mq', image: testImage('rabbitmq:3') });
    expect(await gone(moduleError.details.containerId)).toBe(true);
  });

  it('a vhost request after stop: ContainerNotRunningError; after the container vanished: ModuleError, quickly', async () => {
    const mq = await startRabbitmq({ poolSize: 0, requestTimeoutMs: 3_000 });
    await docker('rm', '-f', '-v', mq.container.id); // -v: the image's mnesia volume goes too
    const began = performance.now();
    const vanished = await mq.freshVhost().catch((e: unknown) => e);
    expect(vanished).toBeInstanceOf(ModuleError);
    expect((vanished as ModuleError).summary).toContain('creating vhost berth_vhost_1 failed');
    expect((vanished as ModuleError).message).toContain(`rabbitmq container ${mq.container.name}`);
    expect((vanished as ModuleError).hint).toMatch(/still running/);
    expect(performance.now() - began).toBeLessThan(budget(10_000));
    await mq.stop();
    const stopped = await mq.freshVhost().catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ContainerNotRunningError);
    expect((stopped as ContainerNotRunningError).summary).toContain('was stopped');
  });

  it('a request creation cannot keep up with fails after acquireTimeoutMs: PoolTimeoutError saying what the pool does', async () => {
    // Without the management API a vhost takes two rabbitmqctl runs (each boots an Erlang VM, far
    // more than 100 ms), and none is made ahead of time: the first request cannot be served in time.
    const mq = await rabbitmq({ image: testImage('rabbitmq:3'), poolSize: 0, acquireTimeoutMs: 100 }).start({ name: 'mq' });
    try {
      const began = performance.now();
      const error = await mq.isolation?.acquire().catch((e: unknown) => e);
      expect(performance.now() - began).toBeLessThan(budget(5_000));
      expect(error).toBeInstanceOf(PoolTimeoutError);
      expect(error).toMatchObject({
        code: 'BERTH_POOL_TIMEOUT',
        details: { service: `fresh vhosts of service mq (rabbitmq container ${mq.details.containerName})`, pool: { creating: 1 } },
      });
      expect((error as PoolTimeoutError).summary).toMatch(/within 100 ms .*1 being created/);
      // The vhost being made is kept for the next request, which gets it once it is there.
      await expect
        .poll(
          () =>
            mq.isolation?.acquire().then(
              (lease) => lease.id,
              (e: unknown) => (e as Error).name,
            ),
          poll(20_000, 500),
        )
        .toMatch(/^berth_vhost_\d+$/);
    } finally {
      await mq.stop();
    }
  });
});

describe('nats bad input', () => {
  it('wrong credentials (an args override changes the server auth): -ERR at once, with a hint', async () => {
    const error = await startNats({
      image: testImage('nats:2'),
      auth: { user: 'app', password: 'right' },
      accounts: 0,
      args: ['--user', 'app', '--pass', 'other'],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toMatch(/Authorization Violation/i);
    expect((error as WaitFailedError).hint).toContain('pass the same `auth`');
    expect(await gone((error as WaitFailedError).details.containerId)).toBe(true);
  });

  it('an image that is not nats: the container exits on the config flag, reported with its log', async () => {
    const error = await startNats({ image: 'redis:7', startupTimeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerExitedError);
    expect((error as ContainerExitedError).details.logTail?.join('\n')).toMatch(/config|directive/i);
  });

  it('bad options: InvalidSpecError quoting the option', () => {
    expect(() => nats({ auth: { token: 't' }, accounts: 4 })).toThrow('cannot be combined with `auth.token`');
    expect(() => nats({ auth: { user: 'a' } as never })).toThrow('expected `auth.password`');
    expect(() => nats({ jetstream: 'yes' as never })).toThrow('nats(): expected `jetstream` to be a boolean, got "yes"');
    expect(() => nats({ acquireTimeoutMs: 0 })).toThrow('nats(): expected `acquireTimeoutMs` to be a whole number ≥ 1, got 0');
  });

  it('an account request after stop, or waiting when it stops: ContainerNotRunningError', async () => {
    const bus = await startNats({ image: testImage('nats:2'), monitoring: false, accounts: 1 });
    await bus.freshAccount();
    const waiting = bus.freshAccount().catch((e: unknown) => e);
    await bus.stop();
    const failed = await waiting;
    expect(failed).toBeInstanceOf(ContainerNotRunningError);
    expect((failed as ContainerNotRunningError).summary).toBe(
      `cannot get a nats account: nats container ${bus.container.name} was stopped`,
    );
    await bus.stop(); // idempotent
    const error = await bus.freshAccount().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerNotRunningError);
  });
});
