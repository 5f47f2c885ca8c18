/**
 * The container spec of a mysql/mariadb service: the official images' contract (MYSQL_* or MARIADB_*
 * variables, /docker-entrypoint-initdb.d, server options as arguments), port 3306 and the readiness
 * rule of ready.ts. The user's `spec` override is applied last.
 */
import type { ContainerSpec } from '../../container/spec.js';
import { initScriptCopies } from '../init-scripts.js';
import { applySpecOverride } from '../spec-override.js';
import { type ResolvedMysqlOptions, settingArgs } from './options.js';
import { mysqlReady } from './ready.js';

export const MYSQL_PORT = 3306;

export function mysqlEnv(options: ResolvedMysqlOptions): Record<string, string> {
  const prefix = options.flavor === 'mariadb' ? 'MARIADB' : 'MYSQL';
  const env: Record<string, string> = {
    [`${prefix}_ROOT_PASSWORD`]: options.rootPassword,
    [`${prefix}_DATABASE`]: options.database,
  };
  if (options.user !== 'root') {
    env[`${prefix}_USER`] = options.user;
    env[`${prefix}_PASSWORD`] = options.password;
  }
  return env;
}

export async function mysqlSpec(options: ResolvedMysqlOptions): Promise<ContainerSpec> {
  const generated: ContainerSpec = {
    image: options.image,
    env: mysqlEnv(options),
    // The images' default command (mysqld / mariadbd) with options after it; a leading option makes
    // both entrypoints start their server with it.
    ...(Object.keys(options.settings).length > 0 ? { command: settingArgs(options.settings) } : {}),
    ports: [MYSQL_PORT],
    copy: await initScriptCopies(options.initScripts, 'mysql()'),
    wait: mysqlReady(),
    startupTimeoutMs: options.startupTimeoutMs,
  };
  return applySpecOverride(generated, options.spec);
}
