/**
 * The `pg` driver is an optional peer dependency: only this module loads it, with a dynamic import,
 * and only when something needs a connection (the template, fresh databases, snapshots). Users who
 * bring another driver and only need the container and its URL never need it installed.
 *
 * The types below are the few parts of pg berth uses, so that neither the public type declarations
 * nor users' type checks depend on @types/pg.
 */
import { MissingPeerDependencyError } from '../../errors.js';

export interface PgConnectionConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  connectionTimeoutMillis?: number;
  application_name?: string;
}

export interface PgPoolConfig extends PgConnectionConfig {
  max?: number;
  idleTimeoutMillis?: number;
  /** Idle connections do not keep the event loop alive. */
  allowExitOnIdle?: boolean;
}

export interface PgResult {
  rows: Record<string, unknown>[];
}

export interface PgClient {
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<PgResult>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface PgPool {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface PgModule {
  Client: new (config: PgConnectionConfig) => PgClient;
  Pool: new (config: PgPoolConfig) => PgPool;
}

export type Importer = () => Promise<unknown>;

const importPg: Importer = () => import('pg');
let cached: Promise<PgModule> | undefined;

/** Loads pg once per process; throws MissingPeerDependencyError when it is not installed. */
export function loadPg(importer: Importer = importPg): Promise<PgModule> {
  if (importer !== importPg) return load(importer);
  cached ??= load(importer);
  // A failed load is not cached: installing pg in a watch-mode session then works without a restart.
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** Like loadPg, but undefined (with the error kept for later) when pg is not installed. */
export async function tryLoadPg(importer: Importer = importPg): Promise<{ pg: PgModule } | { missing: MissingPeerDependencyError }> {
  try {
    return { pg: await loadPg(importer) };
  } catch (error) {
    if (error instanceof MissingPeerDependencyError) return { missing: error };
    throw error;
  }
}

async function load(importer: Importer): Promise<PgModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    if (isNotFound(error)) {
      throw new MissingPeerDependencyError('@berth/core/postgres needs the `pg` driver for this, and `pg` is not installed', {
        cause: error,
        hint: 'install pg next to @berth/core: `npm install --save-dev pg` (pnpm add -D pg, yarn add -D pg)',
      });
    }
    throw error;
  }
  // ESM import of a CommonJS package: the classes sit on `default` (and sometimes on the namespace too).
  const module = ((loaded as { default?: unknown }).default ?? loaded) as Partial<PgModule>;
  if (typeof module.Pool !== 'function' || typeof module.Client !== 'function') {
    throw new MissingPeerDependencyError('the installed `pg` package does not export Pool and Client', {
      hint: 'install pg 8 or newer: `npm install --save-dev pg@8`',
    });
  }
  return module as PgModule;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]pg['"]/.test(message);
}
