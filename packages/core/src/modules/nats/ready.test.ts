import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WaitFailedError } from '../../errors.js';
import { FakeTarget, waitFor } from '../../wait/fake-target.js';
import { natsAccepts } from './ready.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A scripted NATS server: INFO, then PONG for the right password or -ERR for any other. */
async function fakeNats(options: { password?: string; greeting?: string }, connects: unknown[] = []): Promise<FakeTarget> {
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    socket.write(options.greeting ?? 'INFO {"server_id":"fake","version":"2.9.10","auth_required":true}\r\n');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes('PING\r\n')) return;
      const connect = JSON.parse(/CONNECT (.*)\r\n/.exec(text)?.[1] ?? '{}') as { pass?: string };
      connects.push(connect);
      if (connect.pass === options.password) socket.write('PING\r\nPONG\r\n');
      else socket.end("-ERR 'Authorization Violation'\r\n");
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return new FakeTarget({ ports: [{ port: 4222, hostPort: (server.address() as AddressInfo).port }] });
}

describe('natsAccepts', () => {
  it('is ready when CONNECT with the credentials is answered by PONG', async () => {
    const connects: unknown[] = [];
    await waitFor(natsAccepts({ user: 'app', password: 'pw' }), await fakeNats({ password: 'pw' }, connects));
    expect(connects[0]).toMatchObject({ user: 'app', pass: 'pw', verbose: false });
  });

  it('an authorization violation ends the wait at once, with a hint', async () => {
    const error = await waitFor(natsAccepts({ user: 'app', password: 'wrong' }), await fakeNats({ password: 'pw' }), {
      timeoutMs: 10_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as WaitFailedError).summary).toBe("the NATS server answered 'Authorization Violation'");
    expect((error as WaitFailedError).hint).toContain('pass the same `auth`');
  });

  it('a server that does not greet with INFO is not NATS', async () => {
    const target = await fakeNats({ greeting: '+OK redis-ish\r\n' });
    const error = await waitFor(natsAccepts({}), target, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect((error as WaitFailedError).summary).toMatch(/^port 4222 does not speak the NATS protocol: expected the NATS INFO line/);
  });
});
