// One redis command over a fresh connection (enough for the tests; the app has its own client).
import { connect } from 'node:net';

export function redisCommand(details: { host: string; port: number; db: number }, ...args: string[]): Promise<string> {
  const encode = (parts: string[]) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connect(details.port, details.host);
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk;
      const lines = data.split('\r\n');
      // The SELECT reply, then the command's reply.
      if (lines.length >= 3) {
        socket.end();
        resolve(lines[1] as string);
      }
    });
    socket.on('error', reject);
    socket.write(encode(['SELECT', String(details.db)]) + encode(args));
  });
}
