/**
 * The `mysql2` driver is an optional peer dependency: only this module loads it, with a dynamic
 * import, and only when something needs a connection (the template, fresh databases). Users who
 * bring another driver and only need the container and its URL never need it installed.
 *
 * The types below are the few parts of mysql2/promise berth uses, so that neither the public type
 * declarations nor users' type checks depend on mysql2's.
 */
import { MissingPeerDependencyError } from '../../errors.js';

export interface MysqlConnectionConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
  connectTimeout?: number;
  multipleStatements?: boolean;
}

export interface MysqlPoolConfig extends MysqlConnectionConfig {
  connectionLimit?: number;
  maxIdle?: number;
  idleTimeout?: number;
}

export interface MysqlQueryable {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

export interface MysqlConnection extends MysqlQueryable {
  end(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface MysqlPool extends MysqlQueryable {
  getConnection(): Promise<MysqlConnection & { release(): void }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface Mysql2Module {
  createConnection(config: MysqlConnectionConfig): Promise<MysqlConnection>;
  createPool(config: MysqlPoolConfig): MysqlPool;
}

export type Importer = () => Promise<unknown>;

const importMysql2: Importer = () => import('mysql2/promise');
let cached: Promise<Mysql2Module> | undefined;

/** Loads mysql2 once per process; throws MissingPeerDependencyError when it is not installed. */
export function loadMysql2(importer: Importer = importMysql2): Promise<Mysql2Module> {
  if (importer !== importMysql2) return load(importer);
  cached ??= load(importer);
  // A failed load is not cached: installing mysql2 in a watch-mode session then works without a restart.
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** Like loadMysql2, but with the error kept for later when mysql2 is not installed. */
export async function tryLoadMysql2(
  importer: Importer = importMysql2,
): Promise<{ mysql: Mysql2Module } | { missing: MissingPeerDependencyError }> {
  try {
    return { mysql: await loadMysql2(importer) };
  } catch (error) {
    if (error instanceof MissingPeerDependencyError) return { missing: error };
    throw error;
  }
}

async function load(importer: Importer): Promise<Mysql2Module> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    if (isNotFound(error)) {
      throw new MissingPeerDependencyError('@berth/core/mysql needs the `mysql2` driver for this, and `mysql2` is not installed', {
        cause: error,
        hint: 'install mysql2 next to @berth/core: `npm install --save-dev mysql2` (pnpm add -D mysql2, yarn add -D mysql2)',
      });
    }
    throw error;
  }
  // ESM import of a CommonJS package: the functions sit on `default` (and sometimes on the namespace too).
  const candidates = [loaded, (loaded as { default?: unknown }).default] as Partial<Mysql2Module>[];
  const module = candidates.find((m) => typeof m?.createPool === 'function' && typeof m?.createConnection === 'function');
  if (!module) {
    throw new MissingPeerDependencyError('the installed `mysql2` package does not export createPool and createConnection', {
      hint: 'install mysql2 3 or newer: `npm install --save-dev mysql2@3`',
    });
  }
  return module as Mysql2Module;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]mysql2(\/promise)?['"]/.test(message);
}
