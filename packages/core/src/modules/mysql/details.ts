/**
 * Connection details of a mysql/mariadb service: plain JSON, the only thing that crosses from the
 * runner's main process to its workers. A fresh database's details are the same with another
 * `database` and `url`.
 */
import type { ServiceDetailsBase } from '../../services/definition.js';

export interface MysqlDetails extends ServiceDetailsBase {
  kind: 'mysql';
  /** Which server the image runs, from its name: `mariadb:*` images are MariaDB, the rest MySQL. */
  flavor: 'mysql' | 'mariadb';
  host: string;
  port: number;
  /** The application user (all rights on the main database and on every fresh database). */
  user: string;
  password: string;
  database: string;
  /** `mysql://user:password@host:port/database`, with user and password URL-encoded. */
  url: string;
  /** Root's password, for tests that need it (root can log in from any host). */
  rootPassword: string;
  containerName: string;
}

export function mysqlUrl(parts: { host: string; port: number; user: string; password: string; database: string }): string {
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  const auth = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}`;
  return `mysql://${auth}@${host}:${parts.port}/${encodeURIComponent(parts.database)}`;
}

/** The same server, another database. */
export function withDatabase(details: MysqlDetails, database: string): MysqlDetails {
  return { ...details, database, url: mysqlUrl({ ...details, database }) };
}
