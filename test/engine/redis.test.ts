// The redis module against the real engine: the URL works, the password is enforced, leases get
// distinct logical databases (waiting when all 15 are out) that are flushed on release.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { ContainerNotRunningError, ContainerStartError } from '@berth/core';
import { redis, type StartedRedis, startRedis } from '@berth/core/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../support/budget.js';
import { labelled } from '../support/docker.js';

/** A throwaway RESP client for the assertions (the test should not trust berth's own). */
class Client {
  #buffer = '';
  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
    });
  }

  /** Connects as a client library would from the URL: password from the userinfo, db from the path. */
  static async fromUrl(url: string): Promise<Client> {
    const parsed = new URL(url);
    const socket = connect({ host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) });
    await once(socket, 'connect');
    const client = new Client(socket);
    if (parsed.password) expect(await client.send('AUTH', decodeURIComponent(parsed.password))).toBe('+OK');
    const db = parsed.pathname.slice(1);
    if (db) expect(await client.send('SELECT', db)).toBe('+OK');
    return client;
  }

  /** Sends one command and returns the first reply line (bulk replies: the value line). */
  async send(...args: string[]): Promise<string> {
    this.socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    for (;;) {
      const match = /^(\$-1|[+\-:][^\r]*|\$\d+\r\n([^\r]*))\r\n/.exec(this.#buffer);
      if (match) {
        this.#buffer = this.#buffer.slice(match[0].length);
        return match[2] ?? match[1] ?? '';
      }
      await once(this.socket, 'data');
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

let server: StartedRedis;

beforeAll(async () => {
  server = await startRedis({ password: 'p@ss/word' });
});

afterAll(async () => {
  await server?.stop();
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('startRedis', () => {
  it('gives JSON details whose URL carries the password and db 0', async () => {
    expect(JSON.parse(JSON.stringify(server.details))).toEqual(server.details);
    expect(server.details).toMatchObject({ kind: 'redis', host: '127.0.0.1', db: 0, password: 'p@ss/word' });
    expect(server.url).toBe(`redis://:p%40ss%2Fword@127.0.0.1:${server.details.port}/0`);
    const client = await Client.fromUrl(server.url);
    expect(await client.send('PING')).toBe('+PONG');
    expect(await client.send('SET', 'greeting', 'hello')).toBe('+OK');
    expect(await client.send('GET', 'greeting')).toBe('hello');
    client.close();
  });

  it('enforces the password', async () => {
    const anonymous = await Client.fromUrl(`redis://127.0.0.1:${server.details.port}`);
    expect(await anonymous.send('PING')).toMatch(/^-NOAUTH/);
    expect(await anonymous.send('AUTH', 'wrong')).toMatch(/^-WRONGPASS/);
    anonymous.close();
  });

  it('hands 15 concurrent requests 15 different databases; the 16th waits for a release, which flushes', async () => {
    const leases = await Promise.all(Array.from({ length: 15 }, () => server.freshDatabase()));
    expect(leases.map((l) => l.db).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const first = leases[0];
    if (!first) throw new Error('no lease');
    const writer = await Client.fromUrl(first.url);
    expect(await writer.send('SET', 'owned-by', 'first')).toBe('+OK');
    writer.close();
    const main = await Client.fromUrl(server.url);
    expect(await main.send('GET', 'owned-by')).toBe('$-1');
    main.close();

    let sixteenth: number | undefined;
    const waiting = server.freshDatabase().then((lease) => {
      sixteenth = lease.db;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sixteenth).toBeUndefined();
    await first.release();
    const next = await waiting;
    expect(next.db).toBe(first.db);
    const reader = await Client.fromUrl(next.url);
    expect(await reader.send('GET', 'owned-by')).toBe('$-1');
    expect(await reader.send('DBSIZE')).toBe(':0');
    reader.close();
    await Promise.all([next, ...leases].map((l) => l.release()));
  });
});

describe('redis() service definition', () => {
  it('leases logical databases through its isolation, without a password too, and refuses after stop', async () => {
    const running = await redis().start({ name: 'cache' });
    try {
      expect(running.details).not.toHaveProperty('password');
      expect(running.details.url).toBe(`redis://127.0.0.1:${running.details.port}/0`);
      const lease = await running.isolation?.acquire();
      if (!lease) throw new Error('redis() should offer isolation');
      expect(lease.details).toEqual({ ...running.details, db: Number(lease.id), url: running.details.url.replace(/\/0$/, `/${lease.id}`) });
      const client = await Client.fromUrl(lease.details.url);
      expect(await client.send('SET', 'k', 'v')).toBe('+OK');
      client.close();
      await running.isolation?.release(lease.id);
      // Given back at once; flushed in the background, shortly after.
      const check = await Client.fromUrl(lease.details.url);
      await expect.poll(() => check.send('DBSIZE'), poll()).toBe(':0');
      check.close();
    } finally {
      await running.stop();
    }
    await expect(running.isolation?.acquire()).rejects.toBeInstanceOf(ContainerNotRunningError);
  });
});

describe('the image contract and readiness from the host', () => {
  it('runs through the image entrypoint with options only, so the server is what the image makes it', async () => {
    const running = await startRedis();
    try {
      const client = await Client.fromUrl(running.url);
      // CONFIG GET answers [name, value]: the first send() reads the name, the next reply line the value.
      // Set explicitly by berth (not left to the build's defaults), and the image's own /data kept.
      expect(await client.send('PING')).toBe('+PONG');
      client.close();
      const raw = async (...args: string[]) => {
        const socket = connect({ host: running.details.host, port: running.details.port });
        await once(socket, 'connect');
        socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
        let text = '';
        for await (const chunk of socket) {
          text += String(chunk);
          if (/^\*2\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n$/.test(text)) break;
        }
        socket.destroy();
        return text.split('\r\n')[4];
      };
      expect(await raw('CONFIG', 'GET', 'protected-mode')).toBe('no');
      expect(await raw('CONFIG', 'GET', 'databases')).toBe('16');
      expect(await raw('CONFIG', 'GET', 'dir')).toBe('/data');
    } finally {
      await running.stop();
    }
  });

  it('fails the start quoting DENIED when the server keeps protected mode on', async () => {
    const error = await startRedis({
      // A server started past the image's entrypoint, with the build's protected mode left on.
      spec: (generated) => ({ ...generated, entrypoint: ['redis-server'], command: ['--protected-mode', 'yes'] }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerStartError);
    expect((error as Error).message).toMatch(
      /does not answer a PING from the host: redis replied: DENIED Redis is running in protected mode/,
    );
    expect((error as ContainerStartError).hint).toMatch(/protected mode/);
  });

  it('fails the start quoting NOAUTH when the server wants a password berth was not given', async () => {
    const error = await startRedis({ args: ['--requirepass', 'not-told-to-berth'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerStartError);
    expect((error as Error).message).toMatch(/redis replied: NOAUTH Authentication required/);
  });
});
