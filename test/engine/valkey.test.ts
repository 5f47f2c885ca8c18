// @berth/core/redis on valkey/valkey images: the same contract as redis (options-only command through
// the image's entrypoint, password, 15 leasable logical databases flushed on release), valkey's own
// ready line. And the valkey stand-in's entrypoint as the official image documents it.
import { once } from 'node:events';
import { connect } from 'node:net';
import { redis, startRedis } from '@berth/core/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';

const IMAGE = 'valkey/valkey:8';
const started: string[] = [];

afterAll(async () => {
  await Promise.all(started.map((id) => docker('rm', '-f', '-v', id).catch(() => undefined)));
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

/** One command on a fresh connection; the whole reply as text. `auth` is sent first when given. */
async function command(port: number, args: string[], auth?: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const encode = (parts: string[]) => `*${parts.length}\r\n${parts.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  socket.write((auth ? encode(['AUTH', auth]) : '') + encode(args));
  let text = '';
  const deadline = Date.now() + budget();
  socket.setEncoding('utf8');
  for await (const chunk of socket) {
    text += String(chunk);
    const reply = auth ? text.replace(/^\+OK\r\n/, '') : text;
    if (complete(reply) || Date.now() > deadline) break;
  }
  socket.destroy();
  return auth ? text.replace(/^\+OK\r\n/, '') : text;
}

/** A whole RESP reply: a simple line, or a bulk string / array of bulk strings with all its parts. */
function complete(reply: string): boolean {
  if (/^[+\-:]/.test(reply)) return reply.endsWith('\r\n');
  if (reply.startsWith('$')) {
    const length = Number(/^\$(-?\d+)\r\n/.exec(reply)?.[1]);
    return length < 0 || reply.length >= reply.indexOf('\r\n') + 2 + length + 2;
  }
  if (reply.startsWith('*')) {
    const count = Number(/^\*(\d+)\r\n/.exec(reply)?.[1]);
    return (reply.match(/\$\d+\r\n[^\r]*\r\n/g) ?? []).length >= count;
  }
  return false;
}

/** The value CONFIG GET answers for one setting. */
async function config(port: number, name: string, auth?: string): Promise<string | undefined> {
  return (await command(port, ['CONFIG', 'GET', name], auth)).split('\r\n')[4];
}

describe('@berth/core/redis on valkey/valkey:8', () => {
  it('starts with a password, waits for valkey’s ready line, and leases flushed databases', async () => {
    await using server = await startRedis({ image: IMAGE, password: 'v@lkey' });
    expect(server.details).toMatchObject({ kind: 'redis', host: '127.0.0.1', db: 0, password: 'v@lkey' });
    expect(server.url).toBe(`redis://:v%40lkey@127.0.0.1:${server.details.port}/0`);
    const port = server.details.port;

    const info = await command(port, ['INFO', 'server'], 'v@lkey');
    expect(info).toMatch(/server_name:valkey/);
    expect(info).toMatch(/valkey_version:8\./);
    expect(await command(port, ['PING'])).toMatch(/^-NOAUTH/);
    expect(await config(port, 'protected-mode', 'v@lkey')).toBe('no');
    expect(await config(port, 'databases', 'v@lkey')).toBe('16');
    expect(await config(port, 'dir', 'v@lkey')).toBe('/data');

    const log = await docker('logs', server.container.id);
    expect(log).toContain('Valkey is starting');
    expect(log).toContain('Ready to accept connections tcp');

    const lease = await server.freshDatabase();
    expect(lease.db).toBeGreaterThanOrEqual(1);
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    socket.write(`AUTH v@lkey\r\nSELECT ${lease.db}\r\nSET k v\r\n`);
    await expect.poll(() => dbsize(port, lease.db), poll()).toBe(1);
    socket.destroy();
    expect(await dbsize(port, 0)).toBe(0);
    await lease.release();
    await expect.poll(() => dbsize(port, lease.db), poll()).toBe(0);
  });

  it('the redis() service definition runs on it without a password', async () => {
    const running = await redis({ image: IMAGE }).start({ name: 'cache' });
    try {
      expect(running.details.url).toBe(`redis://127.0.0.1:${running.details.port}/0`);
      expect(await command(running.details.port, ['PING'])).toBe('+PONG\r\n');
    } finally {
      await running.stop();
    }
  });
});

async function dbsize(port: number, db: number): Promise<number> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.setEncoding('utf8');
  socket.write(`AUTH v@lkey\r\nSELECT ${db}\r\nDBSIZE\r\n`);
  let text = '';
  for await (const chunk of socket) {
    text += String(chunk);
    if (/:\d+\r\n$/.test(text)) break;
  }
  socket.destroy();
  return Number(/:(\d+)\r\n$/.exec(text)?.[1]);
}

describe('valkey/valkey:8 stand-in entrypoint', () => {
  async function run(args: string[]): Promise<{ id: string; port: number }> {
    const id = await docker('run', '-d', '--label', `dev.berth.session=${process.env.BERTH_SESSION_ID}`, '-p', '127.0.0.1::6379', ...args);
    started.push(id);
    const port = Number((await docker('port', id, '6379')).split('\n')[0]?.split(':').at(-1));
    await expect.poll(async () => (await docker('logs', id)).includes('Ready to accept connections tcp'), poll(60_000, 100)).toBe(true);
    return { id, port };
  }

  it('options alone run valkey-server as the valkey user with protected mode off; VALKEY_EXTRA_FLAGS are appended', async () => {
    const { id, port } = await run(['-e', 'VALKEY_EXTRA_FLAGS=--maxmemory 5mb', IMAGE, '--appendonly', 'yes']);
    expect(await config(port, 'appendonly')).toBe('yes');
    expect(await config(port, 'maxmemory')).toBe(String(5 * 1024 * 1024));
    expect(await config(port, 'protected-mode')).toBe('no');
    expect(await docker('exec', id, 'sh', '-c', 'stat -c %U /proc/1 /data')).toBe('valkey\nvalkey');
  });

  it('a protected-mode line in a config file wins over the stand-in’s default, as over the official build’s', async () => {
    const { port } = await run([
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'printf "protected-mode yes\\n" > /tmp/v.conf && exec docker-entrypoint.sh /tmp/v.conf',
    ]);
    // Protected mode answers connections from outside the container with DENIED.
    expect(await command(port, ['PING'])).toMatch(/^-DENIED/);
  });
});
