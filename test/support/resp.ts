// A throwaway RESP (redis) client for assertions: the tests should not trust berth's own.
import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';

/** One RESP command over a fresh socket to the URL's host and port, after AUTH and SELECT from the URL; its reply's first line. */
export async function redisCommand(url: string, ...args: string[]): Promise<string> {
  const parsed = new URL(url);
  const socket = tcpConnect({ host: parsed.hostname, port: Number(parsed.port) });
  await once(socket, 'connect');
  const commands = [
    ...(parsed.password ? [['AUTH', decodeURIComponent(parsed.password)]] : []),
    ['SELECT', parsed.pathname.slice(1) || '0'],
    args,
  ];
  socket.write(commands.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''));
  let text = '';
  socket.setEncoding('utf8');
  for await (const chunk of socket) {
    text += chunk;
    const lines = text.split('\r\n').filter(Boolean);
    // Bulk replies come as a length line and a value line.
    const replies = lines.filter((line) => !line.startsWith('$') || line === '$-1');
    if (replies.length >= commands.length) break;
  }
  socket.destroy();
  const replies = text.split('\r\n').filter((line) => line && (!line.startsWith('$') || line === '$-1'));
  return replies[commands.length - 1] ?? '';
}
