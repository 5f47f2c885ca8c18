/**
 * Connection details of a postgres service: plain JSON, the only thing that crosses from the
 * runner's main process to its workers. A fresh database's details are the same with another
 * `database` and `url`.
 */
import type { ServiceDetailsBase } from '../../services/definition.js';

export interface PostgresDetails extends ServiceDetailsBase {
  kind: 'postgres';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `postgres://user:password@host:port/database`, with user and password URL-encoded. */
  url: string;
  containerName: string;
}

export function postgresUrl(parts: { host: string; port: number; user: string; password: string; database: string }): string {
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  const auth = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}`;
  return `postgres://${auth}@${host}:${parts.port}/${encodeURIComponent(parts.database)}`;
}

/** The same server, another database. */
export function withDatabase(details: PostgresDetails, database: string): PostgresDetails {
  return { ...details, database, url: postgresUrl({ ...details, database }) };
}
