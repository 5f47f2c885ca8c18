import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WaitFailedError, WaitTimeoutError } from '../../errors.js';
import { FakeTarget, tcpServer, waitFor } from '../../wait/fake-target.js';
import { ArgReader, ArgWriter, decodeFrames, encodeMethod } from './amqp-codec.js';
import { amqpAccepts, rabbitmqReady } from './ready.js';

type Script = 'accept' | 'refuse-login' | 'refuse-vhost' | 'http';
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A scripted AMQP 0-9-1 server: enough of a broker to say yes or no to a connection. */
async function fakeBroker(script: Script, seen: { user?: string; vhost?: string } = {}): Promise<FakeTarget> {
  const server = createServer((socket: Socket) => {
    let buffer: Buffer = Buffer.alloc(0);
    let headerDone = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!headerDone) {
        if (buffer.length < 8) return;
        buffer = buffer.subarray(8);
        headerDone = true;
        if (script === 'http') return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        const mechanisms = new ArgWriter().octet(0).octet(9).table({ product: 'FakeMQ', version: '0.1' }).longstr('PLAIN AMQPLAIN');
        socket.write(encodeMethod(0, 10, 10, mechanisms.longstr('en_US').bytes()));
      }
      const { frames, rest } = decodeFrames(buffer);
      buffer = rest;
      for (const frame of frames) {
        const close = (code: number, text: string) =>
          socket.write(encodeMethod(0, 10, 50, new ArgWriter().short(code).shortstr(text).short(0).short(0).bytes()));
        if (frame.methodId === 11) {
          const args = new ArgReader(frame.args);
          args.table();
          args.shortstr();
          seen.user = args.longstr().split('\0')[1];
          if (script === 'refuse-login') close(403, 'ACCESS_REFUSED - Login was refused');
          else socket.write(encodeMethod(0, 10, 30, new ArgWriter().short(2047).long(131072).short(60).bytes()));
        } else if (frame.methodId === 40) {
          seen.vhost = new ArgReader(frame.args).shortstr();
          if (script === 'refuse-vhost') close(530, 'NOT_ALLOWED - vhost nope not found');
          else socket.write(encodeMethod(0, 10, 41, new ArgWriter().shortstr('').bytes()));
        } else if (frame.methodId === 50) {
          socket.end(encodeMethod(0, 10, 51));
        }
      }
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return new FakeTarget({ ports: [{ port: 5672, hostPort: (server.address() as AddressInfo).port }] });
}

const credentials = { user: 'app', password: 'pw', vhost: 'orders' };

describe('amqpAccepts', () => {
  it('is ready once the broker opens the connection with these credentials on this vhost', async () => {
    const seen: { user?: string; vhost?: string } = {};
    await waitFor(amqpAccepts(credentials), await fakeBroker('accept', seen));
    expect(seen).toEqual({ user: 'app', vhost: 'orders' });
  });

  it('a login refusal ends the wait at once with the broker reason and a hint', async () => {
    const error = await waitFor(amqpAccepts(credentials), await fakeBroker('refuse-login'), { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toBe('the AMQP server refused the connection: 403 ACCESS_REFUSED - Login was refused');
    expect((error as WaitFailedError).hint).toContain('RABBITMQ_DEFAULT_USER');
  });

  it('a missing vhost ends the wait at once too', async () => {
    const error = await waitFor(amqpAccepts(credentials), await fakeBroker('refuse-vhost'), { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect((error as WaitFailedError).summary).toContain('530 NOT_ALLOWED');
    expect((error as WaitFailedError).hint).toContain('vhost "orders"');
  });

  it('a server that is not AMQP: says so instead of waiting', async () => {
    const error = await waitFor(amqpAccepts(credentials), await fakeBroker('http'), { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toMatch(/^port 5672 does not speak AMQP 0-9-1/);
  });

  it('a port proxy with nothing behind it is "not yet", until the timeout', async () => {
    const proxy = await tcpServer('proxy-only');
    try {
      const target = new FakeTarget({ ports: [{ port: 5672, hostPort: proxy.port }] });
      const error = await waitFor(amqpAccepts(credentials), target, { timeoutMs: 400 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitTimeoutError);
      expect(String((error as WaitTimeoutError).cause)).toContain('closed the connection during the handshake');
    } finally {
      await proxy.close();
    }
  });
});

describe('rabbitmqReady with management', () => {
  it('a broker that accepts AMQP but has no management API: fails after the grace period, naming the plugin', async () => {
    const broker = await fakeBroker('accept');
    const closed = await tcpServer('proxy-only');
    try {
      const target = new FakeTarget({
        ports: [
          { port: 5672, hostPort: broker.mappedPort(5672) },
          { port: 15672, hostPort: closed.port },
        ],
      });
      const began = performance.now();
      const error = await waitFor(rabbitmqReady(credentials, true, 300), target, { timeoutMs: 20_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitFailedError);
      expect((error as WaitFailedError).summary).toContain('management API on port 15672 did not answer within 0.3 s');
      expect((error as WaitFailedError).hint).toContain('management: false');
      expect(performance.now() - began).toBeLessThan(5_000);
    } finally {
      await closed.close();
    }
  });
});
