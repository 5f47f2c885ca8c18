// The rabbitmq module against the real engine: the URL works for a real AMQP client (amqplib, not
// berth's own probe), fresh vhosts are separate and gone shortly after release (it returns at once;
// the pool deletes them in the background), with the management API and through rabbitmqctl.

import { setTimeout as sleep } from 'node:timers/promises';
import { rabbitmq, type StartedRabbitmq, startRabbitmq } from '@berth/core/rabbitmq';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { labelled } from '../support/docker.js';
import { testImage } from '../support/images.js';

/** How long a released vhost's client takes to close on its own: well inside the 2 s grace period. */
const CLOSING_MS = 300;

async function roundTrip(url: string, queue: string, text: string): Promise<string | undefined> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
    channel.sendToQueue(queue, Buffer.from(text));
    for (let i = 0; i < 50; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (message) return message.content.toString();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  } finally {
    await connection.close();
  }
}

async function messageCount(url: string, queue: string): Promise<number> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    return (await channel.assertQueue(queue, { durable: false })).messageCount;
  } finally {
    await connection.close();
  }
}

/** 'open' while the broker accepts a connection to the URL's vhost, 'refused' once it is gone. */
function reachable(url: string): Promise<'open' | 'refused'> {
  return amqp.connect(url).then(
    async (connection) => {
      await connection.close().catch(() => undefined);
      return 'open';
    },
    () => 'refused',
  );
}

async function management(details: { managementUrl?: string; user: string; password: string }, path: string): Promise<number> {
  const auth = Buffer.from(`${details.user}:${details.password}`).toString('base64');
  const response = await fetch(`${details.managementUrl}${path}`, { headers: { authorization: `Basic ${auth}` } });
  await response.arrayBuffer();
  return response.status;
}

let server: StartedRabbitmq;

beforeAll(async () => {
  server = await startRabbitmq({ image: testImage('rabbitmq:3-management'), user: 'app', password: 'p@ss/word', vhost: 'orders' });
});

afterAll(async () => {
  await server?.stop();
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('startRabbitmq (management image)', () => {
  it('gives JSON details whose URL an AMQP client can use on the service vhost', async () => {
    const { details } = server;
    expect(JSON.parse(JSON.stringify(details))).toEqual(details);
    expect(details).toMatchObject({ kind: 'rabbitmq', host: '127.0.0.1', user: 'app', password: 'p@ss/word', vhost: 'orders' });
    expect(details.url).toBe(`amqp://app:p%40ss%2Fword@127.0.0.1:${details.port}/orders`);
    expect(details.managementUrl).toBe(`http://127.0.0.1:${details.managementPort}`);
    expect(await roundTrip(details.url, 'greetings', 'hello')).toBe('hello');
    expect(await management(details, '/api/overview')).toBe(200);
  });

  it('wrong credentials are refused by the broker (the env contract took effect)', async () => {
    const url = server.details.url.replace('p%40ss%2Fword', 'wrong');
    await expect(amqp.connect(url)).rejects.toThrow(/ACCESS_REFUSED|403/);
    await expect(amqp.connect(server.details.url.replace('app:', 'guest:').replace('p%40ss%2Fword', 'guest'))).rejects.toThrow();
  });

  it('hands out distinct, separate vhosts from a warm pool and deletes them on release', async () => {
    const [a, b] = await Promise.all([server.freshVhost(), server.freshVhost()]);
    expect(a.vhost).not.toBe(b.vhost);
    expect(a.url).toBe(`amqp://app:p%40ss%2Fword@127.0.0.1:${server.details.port}/${a.vhost}`);
    expect(await roundTrip(a.url, 'jobs', 'for a')).toBe('for a');
    // Same queue name in the other vhost: a different queue, empty.
    const connection = await amqp.connect(a.url);
    const channel = await connection.createChannel();
    await channel.assertQueue('kept', { durable: false });
    channel.sendToQueue('kept', Buffer.from('left behind'));
    await channel.waitForConfirms?.().catch(() => undefined);
    expect(await messageCount(b.url, 'kept')).toBe(0);
    const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
    connection.on('error', () => undefined);
    expect(await management(server.details, `/api/vhosts/${a.vhost}`)).toBe(200);
    await a.release();
    await a.release(); // idempotent
    await closed; // the broker closed the lease's connection with its vhost, after the grace period
    await expect.poll(() => management(server.details, `/api/vhosts/${a.vhost}`), poll()).toBe(404);
    await expect(amqp.connect(a.url)).rejects.toThrow();
    await b.release();
  });

  it('a connection that closes on its own shortly after the release is not cut off (release grace period)', async () => {
    const fresh = await server.freshVhost();
    const connection = await amqp.connect(fresh.url);
    const errors: unknown[] = [];
    connection.on('error', (error) => errors.push(error));
    await fresh.release();
    // The suite is still shutting down its client (an unawaited close()): it works meanwhile.
    await sleep(CLOSING_MS);
    const channel = await connection.createChannel();
    expect((await channel.assertQueue('still-here', { durable: false })).queue).toBe('still-here');
    await connection.close();
    expect(errors).toEqual([]);
    await expect.poll(() => management(server.details, `/api/vhosts/${fresh.vhost}`), poll()).toBe(404);
  });

  it('release() returns at once; the vhost is gone shortly after', async () => {
    const fresh = await server.freshVhost();
    expect(await management(server.details, `/api/vhosts/${fresh.vhost}`)).toBe(200);
    const began = performance.now();
    await fresh.release();
    // Bookkeeping only: the delete (an HTTP call to the broker) is not on the caller's path.
    expect(performance.now() - began).toBeLessThan(budget(250));
    await expect.poll(() => management(server.details, `/api/vhosts/${fresh.vhost}`), poll(10_000)).toBe(404);
    expect(await reachable(fresh.url)).toBe('refused');
  });
});

describe('rabbitmq() without the management plugin', () => {
  it('makes fresh vhosts through rabbitmqctl; the service definition hands them out as leases', async () => {
    const running = await rabbitmq({ image: testImage('rabbitmq:3'), poolSize: 1 }).start({ name: 'mq' });
    try {
      expect(running.details).toMatchObject({ kind: 'rabbitmq', user: 'guest', vhost: '/' });
      expect(running.details.managementUrl).toBeUndefined();
      expect(running.details.url).toBe(`amqp://guest:guest@127.0.0.1:${running.details.port}/%2F`);
      expect(await roundTrip(running.details.url, 'q', 'default vhost')).toBe('default vhost');
      const lease = await running.isolation?.acquire();
      if (!lease) throw new Error('no isolation');
      expect(lease.details.vhost).toBe(lease.id);
      expect(await roundTrip(lease.details.url, 'q', 'leased')).toBe('leased');
      expect(await messageCount(running.details.url, 'q')).toBe(0);
      await running.isolation?.release(lease.id);
      // Deleted in the background by rabbitmqctl (an Erlang VM start, about a second).
      await expect.poll(() => reachable(lease.details.url), poll(20_000, 200)).toBe('refused');
      // A delete still running when the service stops is abandoned cleanly: stop() below does not
      // fail, and the container goes with the vhost in it (afterAll checks nothing is left).
      const last = await running.isolation?.acquire();
      if (last) await running.isolation?.release(last.id);
    } finally {
      await running.stop();
    }
  });
});

describe('rabbitmq() definitions, config and setup', () => {
  it('loads definitions at boot, applies extra config, runs setup once before the first lease', async () => {
    const seen: string[] = [];
    const running = await rabbitmq({
      image: testImage('rabbitmq:3'),
      user: 'me',
      password: 'pw',
      poolSize: 0,
      definitions: {
        users: [{ name: 'me', password: 'pw', tags: 'administrator' }],
        vhosts: [{ name: '/' }],
        permissions: [{ user: 'me', vhost: '/', configure: '.*', write: '.*', read: '.*' }],
        queues: [{ name: 'preloaded', vhost: '/', durable: true, auto_delete: false, arguments: {} }],
      },
      config: 'channel_max = 16',
      setup: async (details) => {
        seen.push(details.url);
        const connection = await amqp.connect(details.url);
        const channel = await connection.createChannel();
        await channel.assertExchange('events', 'topic');
        await connection.close();
      },
    }).start({ name: 'mq' });
    try {
      expect(seen).toEqual([running.details.url]);
      const connection = await amqp.connect(running.details.url);
      try {
        // Negotiated down to the server's limit from the config file.
        expect((connection as unknown as { connection: { channelMax: number } }).connection.channelMax).toBe(16);
        const channel = await connection.createChannel();
        await expect(channel.checkQueue('preloaded')).resolves.toMatchObject({ queue: 'preloaded' });
        await expect(channel.checkExchange('events')).resolves.toBeDefined();
      } finally {
        await connection.close();
      }
    } finally {
      await running.stop();
    }
  });
});
