/**
 * What a test author can say about a mysql/mariadb service, checked in one place. `resolveMysqlOptions`
 * turns the all-optional `MysqlOptions` into a fully filled object, or throws an InvalidSpecError
 * quoting the option and the bad value. Nothing here touches the engine or the file system.
 */
import { resolve } from 'node:path';
import { scaledTimeout } from '../../config.js';
import type { ContainerSpec } from '../../container/spec.js';
import { InvalidSpecError } from '../../errors.js';
import { checker, type KnownKeys } from '../../spec/check.js';
import { DEFAULT_RELEASE_GRACE_MS } from '../release-grace.js';

export interface MysqlSetupContext {
  /** Fires when the start is cancelled; pass it on to long-running work. */
  signal: AbortSignal | undefined;
}

export interface MysqlOptions {
  /**
   * Image to run: any tag of the official `mysql` or `mariadb` image, or a compatible one. Images
   * named `mariadb...` get the MARIADB_* variables, the others MYSQL_*. Default `mysql:8`.
   */
  image?: string;
  /** The application user (MYSQL_USER), with all rights on the main and every fresh database. Default `test`. */
  user?: string;
  /** Its password (MYSQL_PASSWORD). Default `test`. */
  password?: string;
  /** Root's password (MYSQL_ROOT_PASSWORD). Default `test`. */
  rootPassword?: string;
  /** The main database (MYSQL_DATABASE). Default `test`. */
  database?: string;
  /**
   * Host files or directories copied into /docker-entrypoint-initdb.d; the image runs them against
   * the main database on first start. Files keep the given order (they are prefixed `00-`, `01-`, ...);
   * a directory's files keep their names. Relative paths are resolved against the working directory.
   */
  initScripts?: string | string[];
  /** Server settings, each passed as `--key=value` (e.g. `{ max_connections: 500 }`). They win over `tuneForTests`. */
  settings?: Record<string, string | number | boolean>;
  /**
   * Trade durability for speed: no flush of the redo log per commit, no doublewrite buffer, no binary
   * log, and tables in the system tablespace instead of a file each (creating and dropping databases
   * gets several times faster). Data survives anything but a crash of the engine's machine.
   */
  tuneForTests?: boolean;
  /** Host paths of SQL files run, in order, against the template database before `setup`. */
  setupSql?: string[];
  /**
   * Runs once against the template database every fresh database is copied from (run migrations
   * here). The main database is re-created from the template afterwards, so it has the same schema.
   */
  setup?: (templateUrl: string, context: MysqlSetupContext) => void | Promise<void>;
  /** Fresh databases kept ready in the background. Default 4; 0 creates each one on request. */
  poolSize?: number;
  /** Fresh databases created at the same time while refilling. Default 2. */
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
  /** Time allowed for pull, create, start and readiness. Default 120 s (scaled by BERTH_TIMEOUT_SCALE). */
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

export interface ResolvedMysqlOptions {
  image: string;
  flavor: 'mysql' | 'mariadb';
  user: string;
  password: string;
  rootPassword: string;
  database: string;
  initScripts: string[];
  settings: Record<string, string>;
  setupSql: string[];
  setup: MysqlOptions['setup'];
  poolSize: number;
  poolConcurrency: number;
  acquireTimeoutMs: number;
  releaseGraceMs: number;
  templateDatabase: string;
  startupTimeoutMs: number;
  connectTimeoutMs: number;
  spec: MysqlOptions['spec'];
}

/** The default passwords (registered as secrets like any other; redaction never blanks out a word). */
export const DEFAULT_PASSWORD = 'test';

/** Settings both MySQL 8 and MariaDB 10.6+ accept. */
export const TEST_TUNING: Readonly<Record<string, string>> = {
  // Tables in the shared system tablespace: CREATE/DROP/TRUNCATE make and delete no file per table,
  // which is most of what copying a template and dropping a fresh database cost.
  innodb_file_per_table: 'OFF',
  innodb_flush_log_at_trx_commit: '0',
  innodb_doublewrite: 'OFF',
  sync_binlog: '0',
  'skip-log-bin': '',
};

/** Names berth accepts for users and databases: plain identifiers, at most 64 characters. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SETTING_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const POSTGRES_IMAGE = /^(?:[^/]+\/)*(?:postgres|postgis)(?::|@|$)/;

/** The keys `mysql()` accepts, typed against MysqlOptions so the two cannot drift apart. */
const MYSQL_OPTION_KEYS: KnownKeys<MysqlOptions> = {
  image: true,
  user: true,
  password: true,
  rootPassword: true,
  database: true,
  initScripts: true,
  settings: true,
  tuneForTests: true,
  setupSql: true,
  setup: true,
  poolSize: true,
  poolConcurrency: true,
  acquireTimeoutMs: true,
  releaseGraceMs: true,
  templateDatabase: true,
  startupTimeoutMs: true,
  connectTimeoutMs: true,
  spec: true,
};

export function resolveMysqlOptions(options: MysqlOptions = {}): ResolvedMysqlOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  checker().keys(options as Record<string, unknown>, MYSQL_OPTION_KEYS, 'mysql() options');
  const image = nonEmpty(options.image ?? 'mysql:8', 'image');
  if (POSTGRES_IMAGE.test(image)) {
    throw new InvalidSpecError(`mysql(): expected \`image\` to be a mysql or mariadb image, got ${show(image)}`, {
      hint: 'for postgres use `postgres()` / `startPostgres()` from @berth/core/postgres',
    });
  }
  const database = identifier(options.database ?? 'test', 'database');
  const templateDatabase = identifier(options.templateDatabase ?? 'berth_template', 'templateDatabase');
  if (templateDatabase === database) fail('templateDatabase', `a name other than the main database ${show(database)}`, templateDatabase);
  const settings: Record<string, string> = options.tuneForTests ? { ...TEST_TUNING } : {};
  for (const [key, value] of Object.entries(record(options.settings, 'settings'))) {
    if (!SETTING_KEY.test(key)) fail(`settings[${show(key)}]`, 'a server option name like "max_connections"', key);
    if (!['string', 'number', 'boolean'].includes(typeof value)) fail(`settings.${key}`, 'a string, number or boolean', value);
    settings[key] = typeof value === 'boolean' ? (value ? 'ON' : 'OFF') : String(value);
  }
  const setup = options.setup;
  if (setup !== undefined && typeof setup !== 'function') fail('setup', 'a function receiving the template database URL', setup);
  const spec = options.spec;
  if (spec !== undefined && typeof spec !== 'function' && (typeof spec !== 'object' || spec === null)) {
    fail('spec', 'an object or a function', spec);
  }
  const user = identifier(options.user ?? 'test', 'user');
  const password = nonEmpty(options.password ?? DEFAULT_PASSWORD, 'password');
  // The images create root themselves and refuse MYSQL_USER=root: root is then the user.
  if (user === 'root' && options.rootPassword !== undefined && options.rootPassword !== password) {
    fail('rootPassword', 'left out or equal to `password` when `user` is "root"', '(a different password)');
  }
  return {
    image,
    flavor: flavorOf(image),
    user,
    password,
    rootPassword: user === 'root' ? password : nonEmpty(options.rootPassword ?? DEFAULT_PASSWORD, 'rootPassword'),
    database,
    initScripts: paths(typeof options.initScripts === 'string' ? [options.initScripts] : options.initScripts, 'initScripts'),
    settings,
    setupSql: paths(options.setupSql, 'setupSql'),
    setup,
    poolSize: integer(options.poolSize ?? 4, 'poolSize', 0, 64),
    poolConcurrency: integer(options.poolConcurrency ?? 2, 'poolConcurrency', 1, 16),
    acquireTimeoutMs: integer(options.acquireTimeoutMs ?? 30_000, 'acquireTimeoutMs', 1, Number.MAX_SAFE_INTEGER),
    releaseGraceMs: scaledTimeout(
      integer(options.releaseGraceMs ?? DEFAULT_RELEASE_GRACE_MS, 'releaseGraceMs', 0, Number.MAX_SAFE_INTEGER),
    ),
    templateDatabase,
    startupTimeoutMs: integer(options.startupTimeoutMs ?? 120_000, 'startupTimeoutMs', 1, Number.MAX_SAFE_INTEGER),
    // berth's own connections: scaled here, once, as postgres does (startupTimeoutMs is scaled by start()).
    connectTimeoutMs: scaledTimeout(integer(options.connectTimeoutMs ?? 5_000, 'connectTimeoutMs', 1, Number.MAX_SAFE_INTEGER)),
    spec,
  };
}

/** `mariadb:11`, `library/mariadb`, `registry:5000/mariadb:10.11` are MariaDB; the rest MySQL. */
export function flavorOf(image: string): 'mysql' | 'mariadb' {
  const repository = image.split('@')[0]?.replace(/:[^/:]*$/, '') ?? image;
  return /(?:^|\/)mariadb$/.test(repository) ? 'mariadb' : 'mysql';
}

/** `["--max_connections=500", "--skip-log-bin"]` for the server's command line. */
export function settingArgs(settings: Record<string, string>): string[] {
  return Object.entries(settings).map(([key, value]) => (value === '' ? `--${key}` : `--${key}=${value}`));
}

function fail(field: string, expected: string, got: unknown): never {
  throw new InvalidSpecError(`mysql(): expected \`${field}\` to be ${expected}, got ${show(got)}`);
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
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) fail(field, 'an identifier of letters, digits and _ (at most 64)', value);
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
