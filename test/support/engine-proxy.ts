// Loopback endpoints in front of the real engine, for transport tests: plain tcp, and TLS with a CA
// the test generates. Both pipe each connection to the engine's unix socket, so a real engine answers
// behind a real tcp or TLS endpoint. Like dockerd's Go TLS server, the TLS endpoint answers a
// plain-HTTP request with a 400 that says so.
import net from 'node:net';
import tls from 'node:tls';

const ENGINE_SOCKET = '/var/run/docker.sock';

export interface EngineProxy {
  port: number;
  /** Connections accepted (tcp) or TLS sessions established (tls). */
  connections: number;
  close(): Promise<void>;
}

function pipeToEngine(client: net.Socket): void {
  const upstream = net.connect(ENGINE_SOCKET);
  client.pipe(upstream).pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', end);
}

async function listen(server: net.Server, proxy: { connections: number }, sockets: Set<net.Socket>): Promise<EngineProxy> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(proxy, {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  }) as EngineProxy;
}

export function tcpProxy(): Promise<EngineProxy> {
  const state = { connections: 0 };
  const server = net.createServer((client) => {
    state.connections++;
    pipeToEngine(client);
  });
  return listen(server, state, new Set());
}

export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
  /** Ask for a client certificate signed by `ca` and refuse connections without one. */
  requireClientCert?: boolean;
}

export async function tlsProxy(material: TlsMaterial): Promise<EngineProxy> {
  const state = { connections: 0 };
  // The TLS server proper, on its own loopback port; the front door below decides who goes there.
  const inner = tls.createServer(
    {
      ca: material.ca,
      cert: material.cert,
      key: material.key,
      requestCert: material.requireClientCert ?? false,
      rejectUnauthorized: material.requireClientCert ?? false,
    },
    (secure) => {
      state.connections++;
      pipeToEngine(secure);
    },
  );
  inner.on('tlsClientError', () => undefined);
  const innerSockets = new Set<net.Socket>();
  const innerProxy = await listen(inner, { connections: 0 }, innerSockets);
  const front = net.createServer((raw) => {
    raw.on('error', () => raw.destroy());
    raw.once('data', (first: Buffer) => {
      if (first[0] !== 0x16) {
        // Not a TLS handshake: answer as dockerd's TLS listener does.
        raw.end('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
        return;
      }
      const hop = net.connect(innerProxy.port, '127.0.0.1');
      hop.write(first);
      raw.pipe(hop).pipe(raw);
      const end = () => {
        raw.destroy();
        hop.destroy();
      };
      hop.on('error', end);
      hop.on('close', end);
      raw.on('close', end);
    });
  });
  const proxy = await listen(front, state, new Set());
  const close = proxy.close;
  return Object.assign(proxy, { close: async () => Promise.all([close(), innerProxy.close()]).then(() => undefined) });
}
