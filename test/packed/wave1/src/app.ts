/**
 * Wires the service to its two backends and an HTTP server. Tests start one per test with the
 * fresh database and redis database berth gave them; main.ts starts one from the environment.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@redis/client';
import pg from 'pg';
import { createHandler } from './http.js';
import { OrderCache } from './order-cache.js';
import { OrdersRepository } from './orders-repository.js';
import { OrdersService } from './orders-service.js';

export interface AppOptions {
  databaseUrl: string;
  redisUrl: string;
  /** How long a cached order lives. Default 300 s. */
  cacheTtlSeconds?: number;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface App {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  readonly service: OrdersService;
  /** Stops accepting requests, then closes the database pool and the redis connection. */
  close(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 5 });
  // An idle connection that the server closes (a restart, a dropped database) must not crash the process.
  pool.on('error', (error) => console.error('orders-api: idle postgres connection failed:', error.message));
  const redis = createClient({ url: options.redisUrl });
  redis.on('error', (error: Error) => console.error('orders-api: redis connection failed:', error.message));
  await redis.connect();

  const service = new OrdersService(new OrdersRepository(pool), new OrderCache(redis, options.cacheTtlSeconds));
  const health = async () => {
    await Promise.all([pool.query('SELECT 1'), redis.ping()]);
  };
  const server = createServer(createHandler(service, health));
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${address}:${port}`,
    service,
    close: () => {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled([endPool(pool), redis.close()]);
      })();
      return closing;
    },
  };
}

/**
 * pool.end() resolves as soon as the pool has let go of its connections, a moment before they are
 * closed. Waiting for each one means nothing is still connected when the caller moves on (in the
 * tests: when berth drops the database, which would otherwise end a lingering session with an error).
 */
async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      open -= 1;
      if (open === 0) resolve();
    });
  });
  await pool.end();
  await closed;
}
