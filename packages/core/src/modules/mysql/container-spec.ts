/**
 * The container spec of a mysql/mariadb service: the official images' contract (MYSQL_* or MARIADB_*
 * variables, /docker-entrypoint-initdb.d, server options as arguments), port 3306 and the readiness
 * rule of ready.ts. The user's `spec` override is applied last.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ContainerSpec, CopySpec } from '../../container/spec.js';
import { InvalidSpecError } from '../../errors.js';
import { type ResolvedMysqlOptions, settingArgs } from './options.js';
import { mysqlReady } from './ready.js';

export const MYSQL_PORT = 3306;
const INITDB_DIR = '/docker-entrypoint-initdb.d';

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
    copy: await initScriptCopies(options.initScripts),
    wait: mysqlReady(),
    startupTimeoutMs: options.startupTimeoutMs,
  };
  const override = options.spec;
  if (typeof override === 'function') return override(generated);
  if (override === undefined) return generated;
  return { ...generated, ...override, env: { ...generated.env, ...override.env } };
}

/**
 * Files get a numbered prefix so the entrypoint (which runs them in name order) keeps the order they
 * were given in; a directory is copied as it is, its files keeping their names.
 */
async function initScriptCopies(paths: string[]): Promise<CopySpec[]> {
  const width = String(Math.max(paths.length - 1, 0)).length + 1;
  return Promise.all(
    paths.map(async (source, index) => {
      const kind = await stat(source).then(
        (s) => (s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other'),
        () => 'missing',
      );
      if (kind === 'directory') return { source, target: INITDB_DIR };
      if (kind === 'file') return { source, target: `${INITDB_DIR}/${String(index).padStart(width, '0')}-${basename(source)}` };
      throw new InvalidSpecError(
        `mysql(): expected \`initScripts[${index}]\` to be a file or directory, got ${JSON.stringify(source)} (${kind})`,
      );
    }),
  );
}
