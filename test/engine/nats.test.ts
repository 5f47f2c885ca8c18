// The nats module against the real engine, checked with the `nats` client library (not berth's own
// protocol code): URL and auth, JetStream by option, and an account per lease whose subjects and
// streams no other lease sees, recycled on release (in the background: release returns at once), and
// a request when every account is out that fails with PoolTimeoutError rather than waiting forever.

import { setTimeout as sleep } from 'node:timers/promises';
import { PoolTimeoutError } from '@berth/core';
import { type NatsDetails, nats as natsService, type StartedNats, startNats } from '@berth/core/nats';
import { connect, type NatsConnection, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

const codec = StringCodec();
/** How long a released account's client takes to close on its own: well inside the 2 s grace period. */
const CLOSING_MS = 300;

function client(details: NatsDetails): Promise<NatsConnection> {
  return connect({
    servers: `${details.host}:${details.port}`,
    ...(details.user === undefined ? {} : { user: details.user, pass: details.password }),
    ...(details.token === undefined ? {} : { token: details.token }),
    reconnect: false,
  });
}

/** Publishes on `subject` through `from` and says whether `to`'s subscription got it within 300 ms. */
async function delivered(from: NatsConnection, to: NatsConnection, subject: string): Promise<boolean> {
  const subscription = to.subscribe(subject, { max: 1 });
  await to.flush();
  from.publish(subject, codec.encode('hi'));
  await from.flush();
  const got = (async () => {
    for await (const message of subscription) return codec.decode(message.data) === 'hi';
    return false;
  })();
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), budget(1_000)));
  const result = await Promise.race([got, timeout]);
  subscription.unsubscribe();
  return result;
}

let server: StartedNats;

beforeAll(async () => {
  server = await startNats({ image: testImage('nats:2'), auth: { user: 'app', password: 's3cret' }, jetstream: true, accounts: 2 });
});

afterAll(async () => {
  await server?.stop();
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('startNats', () => {
  it('gives JSON details; the credentials are enforced; monitoring answers', async () => {
    const { details } = server;
    expect(JSON.parse(JSON.stringify(details))).toEqual(details);
    expect(details).toMatchObject({ kind: 'nats', host: '127.0.0.1', user: 'app', password: 's3cret', jetstream: true });
    expect(details.url).toBe(`nats://app:s3cret@127.0.0.1:${details.port}`);
    const response = await fetch(`${details.monitorUrl}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok' });
    const connection = await client(details);
    expect(await delivered(connection, connection, 'ping')).toBe(true);
    await connection.close();
    await expect(client({ ...details, password: 'wrong' })).rejects.toThrow(/Authorization/i);
  });

  it('gives each lease an account of its own: subjects and streams are invisible to others', async () => {
    const a = await server.freshAccount();
    const b = await server.freshAccount();
    expect(a.account).not.toBe(b.account);
    const [ca, cb, main] = await Promise.all([client(a.details), client(b.details), client(server.details)]);
    expect(await delivered(ca, ca, 'orders.created')).toBe(true);
    expect(await delivered(ca, cb, 'orders.created')).toBe(false);
    expect(await delivered(main, ca, 'orders.created')).toBe(false);
    const jsm = await ca.jetstreamManager();
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    expect((await (await cb.jetstreamManager()).streams.names().next()).length).toBe(0);
    await Promise.all([cb.close(), main.close()]);
    const closed = ca.closed();
    await a.release();
    await a.release(); // idempotent
    // release() returns at once; the recycling runs in the background. Once it is done the account's
    // password changed: its old client is disconnected, its old URL refused.
    // A client that stays is disconnected once the release grace period (2 s, scaled) is over.
    await expect(Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), budget()))])).resolves.toBe(
      'closed',
    );
    const oldUrl = { ...server.details, user: a.details.user, password: a.details.password };
    await expect
      .poll(() =>
        client(oldUrl).then(
          async (connection) => {
            await connection.close();
            return 'accepted';
          },
          (error: unknown) => String(error),
        ),
      )
      .toMatch(/Authorization/i);
    // The next holder of that account finds no stream left (it gets the account once its streams are deleted).
    await b.release();
    const again = [await server.freshAccount(), await server.freshAccount()];
    const reused = again.find((lease) => lease.account === a.account);
    expect(reused).toBeDefined();
    const fresh = await client(reused?.details as NatsDetails);
    expect((await (await fresh.jetstreamManager()).streams.names().next()).length).toBe(0);
    await fresh.close();
    await Promise.all(again.map((lease) => lease.release()));
  });

  it('a client that closes on its own shortly after the release is not disconnected (release grace period)', async () => {
    const lease = await server.freshAccount();
    const connection = await client(lease.details);
    let closedEarly = false;
    void connection.closed().then(() => {
      closedEarly = true;
    });
    await lease.release();
    // The suite is still shutting its client down (an unawaited close()): it works meanwhile.
    await sleep(CLOSING_MS);
    expect(closedEarly).toBe(false);
    expect(await delivered(connection, connection, 'still.here')).toBe(true);
    await connection.close();
    // Then the account is recycled: its old password is refused.
    const oldUrl = { ...server.details, user: lease.details.user, password: lease.details.password };
    await expect
      .poll(
        () =>
          client(oldUrl).then(
            async (c) => {
              await c.close();
              return 'accepted';
            },
            (error: unknown) => String(error),
          ),
        poll(),
      )
      .toMatch(/Authorization/i);
  });

  it('waits when every account is out, and serves the waiter once a released one is recycled', async () => {
    const a = await server.freshAccount();
    const b = await server.freshAccount();
    const third = server.freshAccount();
    await a.release();
    const c = await third;
    expect(c.account).toBe(a.account);
    await Promise.all([b.release(), c.release()]);
  });
});

describe('nats() service definition', () => {
  it('without auth, without monitoring: anonymous clients reach the main account, leases their own', async () => {
    const running = await natsService({ image: testImage('nats:2'), monitoring: false, accounts: 1 }).start({ name: 'bus' });
    try {
      expect(running.details.monitorUrl).toBeUndefined();
      expect(running.details.url).toBe(`nats://127.0.0.1:${running.details.port}`);
      const lease = await running.isolation?.acquire();
      if (!lease) throw new Error('no isolation');
      const [main, leased] = await Promise.all([client(running.details), client(lease.details)]);
      expect(await delivered(main, main, 'x')).toBe(true);
      expect(await delivered(main, leased, 'x')).toBe(false);
      await Promise.all([main.close(), leased.close()]);
      await running.isolation?.release(lease.id);
    } finally {
      await running.stop();
    }
  });

  it('acquireTimeoutMs: a request when every account is handed out fails with PoolTimeoutError in time; after a release one succeeds', async () => {
    const running = await natsService({ image: testImage('nats:2'), monitoring: false, accounts: 2, acquireTimeoutMs: 1_000 }).start({
      name: 'bus',
    });
    try {
      const isolation = running.isolation;
      if (!isolation) throw new Error('no isolation');
      const [first, second] = [await isolation.acquire(), await isolation.acquire()];
      expect(first.id).not.toBe(second.id);
      const began = performance.now();
      const error = await isolation.acquire().catch((e: unknown) => e);
      const waited = performance.now() - began;
      expect(error).toBeInstanceOf(PoolTimeoutError);
      expect((error as PoolTimeoutError).code).toBe('BERTH_POOL_TIMEOUT');
      expect((error as PoolTimeoutError).summary).toContain('lease accounts of service bus');
      expect((error as PoolTimeoutError).summary).toContain('within 1000 ms (pool of at most 2: 0 ready, 2 handed out');
      expect((error as PoolTimeoutError).hint).toContain('every slot is handed out');
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(budget(3_000));
      await isolation.release(first.id);
      const again = await isolation.acquire();
      expect(again.id).toBe(first.id);
      const connection = await client(again.details);
      expect(await delivered(connection, connection, 'z')).toBe(true);
      await connection.close();
      await Promise.all([isolation.release(second.id), isolation.release(again.id)]);
    } finally {
      await running.stop();
    }
  });

  it('token auth: no isolation (a token belongs to the global account)', async () => {
    const running = await natsService({ image: testImage('nats:2'), auth: { token: 'tok3n' } }).start({ name: 'bus' });
    try {
      expect(running.isolation).toBeUndefined();
      expect(running.details).toMatchObject({ token: 'tok3n', url: `nats://tok3n@127.0.0.1:${running.details.port}` });
      const connection = await client(running.details);
      expect(await delivered(connection, connection, 'y')).toBe(true);
      await connection.close();
    } finally {
      await running.stop();
    }
  });
});
