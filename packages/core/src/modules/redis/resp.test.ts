import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ModuleError } from '../../errors.js';
import { encodeCommand, parseReply, RespConnection, RespReplyError } from './resp.js';

describe('RESP encoding and parsing', () => {
  it('encodes commands as arrays of bulk strings (byte lengths)', () => {
    expect(encodeCommand(['SELECT', '3']).toString()).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n');
    expect(encodeCommand(['AUTH', 'pässword']).toString()).toBe('*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n');
  });

  it.each([
    ['+OK\r\n', 'OK'],
    [':42\r\n', 42],
    ['$5\r\nhello\r\n', 'hello'],
    ['$-1\r\n', null],
    ['*2\r\n$1\r\na\r\n:1\r\n', ['a', 1]],
  ])('parses %j', (wire, value) => {
    expect(parseReply(Buffer.from(wire))).toEqual({ value, end: Buffer.byteLength(wire) });
  });

  it('returns undefined for partial replies', () => {
    for (const partial of ['+OK', '$5\r\nhel', '*2\r\n$1\r\na\r\n']) expect(parseReply(Buffer.from(partial))).toBeUndefined();
  });

  it('turns error replies into RespReplyError (a ModuleError)', () => {
    const reply = parseReply(Buffer.from('-WRONGPASS invalid username-password pair\r\n'));
    expect(reply?.value).toBeInstanceOf(RespReplyError);
    expect(reply?.value).toBeInstanceOf(ModuleError);
    expect(String((reply?.value as Error | undefined)?.message)).toContain('WRONGPASS');
  });
});

describe('RespConnection', () => {
  it('authenticates, pipelines replies in order, and reports error replies', async () => {
    const seen: string[] = [];
    const server = createServer((socket) => {
      socket.on('data', (data) => {
        const text = data.toString();
        seen.push(text);
        // Reply in pieces to exercise incremental parsing.
        if (text.includes('AUTH')) socket.write(text.includes('right') ? '+OK\r\n' : '-WRONGPASS bad\r\n');
        else {
          socket.write('+PO');
          setTimeout(() => socket.write('NG\r\n-ERR unknown command\r\n'), 5);
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      await expect(RespConnection.open({ host: '127.0.0.1', port, password: 'wrong', timeoutMs: 1000 })).rejects.toThrow(/WRONGPASS/);
      const connection = await RespConnection.open({ host: '127.0.0.1', port, password: 'right', timeoutMs: 1000 });
      const [ping, bad] = await Promise.allSettled([connection.command('PING'), connection.command('NOPE')]);
      expect(ping).toEqual({ status: 'fulfilled', value: 'PONG' });
      expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(RespReplyError);
      connection.close();
      await expect(connection.command('PING')).rejects.toThrow(/closed/);
    } finally {
      server.close();
    }
  });

  it('fails clearly when nothing listens', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    await expect(RespConnection.open({ host: '127.0.0.1', port, timeoutMs: 1000 })).rejects.toThrow(/cannot connect to redis at 127.0.0.1/);
  });
});
