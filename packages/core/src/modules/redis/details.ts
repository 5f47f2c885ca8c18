/**
 * Connection details of a redis service: plain JSON for workers. A lease's details are the same with
 * another logical database (`db`) in both `db` and `url`.
 */
import type { ServiceDetailsBase } from '../../services/definition.js';

export interface RedisDetails extends ServiceDetailsBase {
  kind: 'redis';
  host: string;
  port: number;
  /** `redis://[:password@]host:port/db`. */
  url: string;
  /** Present when the server requires one. */
  password?: string;
  /** Logical database: 0 for the service, 1–15 for leases. */
  db: number;
  containerName: string;
}

export function redisUrl(parts: { host: string; port: number; password?: string | undefined; db: number }): string {
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  const auth = parts.password === undefined ? '' : `:${encodeURIComponent(parts.password)}@`;
  return `redis://${auth}${host}:${parts.port}/${parts.db}`;
}

export function withDb(details: RedisDetails, db: number): RedisDetails {
  return { ...details, db, url: redisUrl({ ...details, db }) };
}
