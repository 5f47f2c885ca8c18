/**
 * What a test author can say about a postgres service, checked in one place. `resolvePostgresOptions`
 * turns the all-optional `PostgresOptions` into a fully filled object, or throws an InvalidSpecError
 * quoting the option and the bad value. Nothing here touches the engine or the file system.
 */
import { resolve } from 'node:path';
import { scaledTimeout } from '../../config.js';
import type { ContainerSpec } from '../../container/spec.js';
import { InvalidSpecError } from '../../errors.js';
import { checker } from '../../spec/check.js';
import { DEFAULT_RELEASE_GRACE_MS } from '../release-grace.js';
import { POSTGRES_OPTION_KEYS } from './option-keys.js';

export interface PostgresSetupContext {
  /** Fires when the start is cancelled; pass it on to long-running work. */
  signal: AbortSignal | undefined;
}

export interface PostgresOptions {
  /** Image to run: any tag of the official image, or a compatible one. Default `postgres:15`. */
  image?: string;
  /** Superuser name (POSTGRES_USER). Default `test`. */
  user?: string;
  /** Superuser password (POSTGRES_PASSWORD). Default `test`. */
  password?: string;
  /** The main database (POSTGRES_DB). Default `test`. */
  database?: string;
  /**
   * Host files or directories copied into /docker-entrypoint-initdb.d; the image runs them against
   * the main database on first start. Files keep the given order (they are prefixed `00-`, `01-`, ...);
   * a directory's files keep their names. Relative paths are resolved against the working directory.
   */
  initScripts?: string | string[];
  /** Server settings, each passed as `-c key=value`. They win over `tuneForTests`. */
  settings?: Record<string, string | number | boolean>;
  /**
   * Trade durability for speed: fsync, synchronous_commit and full_page_writes off, and the data
   * directory in memory (a tmpfs mount), so cloning a fresh database creates no files on disk.
   * Nothing survives the container, which a throwaway database does not care about; the data
   * counts against the machine's memory instead of its disk.
   */
  tuneForTests?: boolean;
  /** Host paths of SQL files run, in order, against the template database before `setup`. */
  setupSql?: string[];
  /**
   * Runs once against the template database every fresh database is cloned from (run migrations
   * here). The main database is re-created from the template afterwards, so it has the same schema.
   */
  setup?: (templateUrl: string, context: PostgresSetupContext) => void | Promise<void>;
  /** Fresh databases kept ready in the background. Default 4; 0 creates each one on request. */
  poolSize?: number;
  /**
   * Fresh databases created at the same time while refilling (1–32). Default 4, and 32 on postgres
   * before 12, where each clone spends ~200 ms asleep in the server's checkpoint waits and clones
   * made side by side share those waits. berth's admin connections number one more than this.
   */
  poolConcurrency?: number;
  /** How long a fresh-database request waits before it fails with a PoolTimeoutError. Default 30 s (scaled by BERTH_TIMEOUT_SCALE). */
  acquireTimeoutMs?: number;
  /**
   * How long a released database waits for its clients to disconnect on their own (a suite that
   * ends its pool without awaiting it) before berth ends their sessions and recycles it. Default
   * 2 s (scaled by BERTH_TIMEOUT_SCALE); 0 ends them at once.
   */
  releaseGraceMs?: number;
  /** Name of the template database. Default `berth_template`. */
  templateDatabase?: string;
  /**
   * How PostgreSQL 15+ copies the template (CREATE DATABASE ... STRATEGY): `file_copy` copies files
   * after a checkpoint, `wal_log` copies block by block through the WAL. Default `file_copy`; older
   * servers always copy files and ignore this.
   */
  cloneStrategy?: 'file_copy' | 'wal_log';
  /**
   * Keep the container across runs (docs/reuse.md). A second run attaches to the running server and
   * clones from the template its inputs built, so an unchanged suite runs no migrations. Default: the
   * BERTH_REUSE variable (off; always off when CI is set unless BERTH_REUSE=force).
   */
  reuse?: boolean;
  /**
   * Files or directories `setup` reads (migrations): their content keys the template, so a changed
   * migration builds a new template and an unchanged one is cloned at once. Relative paths resolve
   * against the working directory.
   */
  templateInputs?: string[];
  /**
   * A key for the template when its inputs cannot be declared (e.g. a migration version). With a
   * `setup` hook and neither this nor `templateInputs`, a reused server builds the template per run.
   */
  templateKey?: string;
  /**
   * Initialised-image cache (docs/reuse.md): after the first start and `setup`, commit the server to a
   * local `berth-cache/postgres:<hash>` image; later starts with the same inputs run that image and
   * skip initdb and migrations. Default false.
   */
  cache?: boolean;
  /** Time allowed for pull, create, start and readiness. Default 60 s (scaled by BERTH_TIMEOUT_SCALE). */
  startupTimeoutMs?: number;
  /** Time allowed to open one of berth's own connections to the server. Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * Escape hatch. An object is laid over the generated container spec (`env` is merged key by key,
   * every other field replaces berth's); a function receives the generated spec and returns the one
   * to start.
   */
  spec?: Partial<ContainerSpec> | ((generated: ContainerSpec) => ContainerSpec);
}

export interface ResolvedPostgresOptions {
  image: string;
  user: string;
  password: string;
  database: string;
  initScripts: string[];
  settings: Record<string, string>;
  /** The data directory on a tmpfs mount (tuneForTests). */
  dataInMemory: boolean;
  setupSql: string[];
  setup: PostgresOptions['setup'];
  poolSize: number;
  /** undefined: chosen by the server's version (fresh-pool.ts). */
  poolConcurrency: number | undefined;
  acquireTimeoutMs: number;
  releaseGraceMs: number;
  templateDatabase: string;
  cloneStrategy: 'file_copy' | 'wal_log';
  startupTimeoutMs: number;
  connectTimeoutMs: number;
  spec: PostgresOptions['spec'];
  reuse: boolean | undefined;
  templateInputs: string[];
  templateKey: string | undefined;
  cache: boolean;
}

/** The default password (registered as a secret like any other; redaction never blanks out a word). */
export const DEFAULT_PASSWORD = 'test';

export const TEST_TUNING: Readonly<Record<string, string>> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

/** Role and database names berth accepts: plain identifiers, at most 63 bytes (the server's limit). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const SETTING_KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;

export function resolvePostgresOptions(options: PostgresOptions = {}): ResolvedPostgresOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  checker().keys(options as Record<string, unknown>, POSTGRES_OPTION_KEYS, 'postgres() options');
  const database = identifier(options.database ?? 'test', 'database');
  const templateDatabase = identifier(options.templateDatabase ?? 'berth_template', 'templateDatabase');
  if (templateDatabase === database) fail('templateDatabase', `a name other than the main database ${show(database)}`, templateDatabase);
  const settings: Record<string, string> = options.tuneForTests ? { ...TEST_TUNING } : {};
  for (const [key, value] of Object.entries(record(options.settings, 'settings'))) {
    if (!SETTING_KEY.test(key)) fail(`settings[${show(key)}]`, 'a server setting name like "work_mem"', key);
    if (!['string', 'number', 'boolean'].includes(typeof value)) fail(`settings.${key}`, 'a string, number or boolean', value);
    settings[key] = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
  }
  const setup = options.setup;
  if (setup !== undefined && typeof setup !== 'function') fail('setup', 'a function receiving the template database URL', setup);
  const spec = options.spec;
  if (spec !== undefined && typeof spec !== 'function' && (typeof spec !== 'object' || spec === null)) {
    fail('spec', 'an object or a function', spec);
  }
  return {
    image: nonEmpty(options.image ?? 'postgres:15', 'image'),
    user: identifier(options.user ?? 'test', 'user'),
    password: nonEmpty(options.password ?? DEFAULT_PASSWORD, 'password'),
    database,
    initScripts: paths(typeof options.initScripts === 'string' ? [options.initScripts] : options.initScripts, 'initScripts'),
    settings,
    dataInMemory: optionalBoolean(options.tuneForTests, 'tuneForTests') ?? false,
    setupSql: paths(options.setupSql, 'setupSql'),
    setup,
    poolSize: integer(options.poolSize ?? 4, 'poolSize', 0, 64),
    poolConcurrency: options.poolConcurrency === undefined ? undefined : integer(options.poolConcurrency, 'poolConcurrency', 1, 32),
    acquireTimeoutMs: integer(options.acquireTimeoutMs ?? 30_000, 'acquireTimeoutMs', 1, Number.MAX_SAFE_INTEGER),
    releaseGraceMs: scaledTimeout(
      integer(options.releaseGraceMs ?? DEFAULT_RELEASE_GRACE_MS, 'releaseGraceMs', 0, Number.MAX_SAFE_INTEGER),
    ),
    templateDatabase,
    cloneStrategy: oneOf(options.cloneStrategy ?? 'file_copy', 'cloneStrategy', ['file_copy', 'wal_log'] as const),
    startupTimeoutMs: integer(options.startupTimeoutMs ?? 60_000, 'startupTimeoutMs', 1, Number.MAX_SAFE_INTEGER),
    // berth's own connections: scaled here, once (startupTimeoutMs is scaled by start()).
    connectTimeoutMs: scaledTimeout(integer(options.connectTimeoutMs ?? 5_000, 'connectTimeoutMs', 1, Number.MAX_SAFE_INTEGER)),
    spec,
    reuse: optionalBoolean(options.reuse, 'reuse'),
    templateInputs: paths(options.templateInputs, 'templateInputs'),
    templateKey: options.templateKey === undefined ? undefined : nonEmpty(options.templateKey, 'templateKey'),
    cache: optionalBoolean(options.cache, 'cache') ?? false,
  };
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(field, 'true or false', value);
  return value as boolean | undefined;
}

/** `["-c", "fsync=off", ...]` for the server's command line. */
export function settingArgs(settings: Record<string, string>): string[] {
  return Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

function fail(field: string, expected: string, got: unknown): never {
  throw new InvalidSpecError(`postgres(): expected \`${field}\` to be ${expected}, got ${show(got)}`);
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function identifier(value: unknown, field: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) fail(field, 'an identifier of letters, digits and _ (at most 63)', value);
  return value;
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') fail(field, 'a non-empty string', value);
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number ${min}–${max}`, value);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(field, allowed.map((a) => JSON.stringify(a)).join(' or '), value);
  return value as T;
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'an object', value);
  return value as Record<string, unknown>;
}

function paths(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(field, 'an array of paths', value);
  return value.map((item, index) => resolve(nonEmpty(item, `${field}[${index}]`)));
}
