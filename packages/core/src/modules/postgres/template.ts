/**
 * The template every fresh database is cloned from, made once per service:
 *
 * 1. clone the main database (which holds whatever the init scripts made) into the template;
 * 2. run `setupSql` files, then the `setup` hook, against the template (migrations go here);
 * 3. warm it (one session writes its relation cache file, which file_copy clones inherit), then
 *    lock it: no new connections (ALLOW_CONNECTIONS false), marked IS_TEMPLATE, and end any session
 *    the hook left open — CREATE DATABASE ... TEMPLATE refuses a template that has connections;
 * 4. when setup ran, re-create the main database from the template so it has the same schema.
 *
 * A failing step drops the half-made template and throws; the caller then stops the container, so a
 * template that setup did not finish is never cloned.
 */
import { readFile } from 'node:fs/promises';
import { BerthError, ModuleError } from '../../errors.js';
import { traced } from '../../trace/recorder.js';
import type { AdminConnection } from './admin.js';
import { type PostgresDetails, withDatabase } from './details.js';
import type { PgModule } from './driver.js';
import type { ResolvedPostgresOptions } from './options.js';

export interface TemplateInput {
  pg: PgModule;
  admin: AdminConnection;
  main: PostgresDetails;
  options: ResolvedPostgresOptions;
  signal: AbortSignal | undefined;
  /** Database the template starts as a copy of (default the main database). */
  source?: string;
  /** Re-create the main database from the template after setup (default true; off on a server other runs share). */
  recreateMain?: boolean;
}

export function prepareTemplate(input: TemplateInput): Promise<void> {
  return traced('template', 'template', undefined, () => prepareTemplateNow(input));
}

async function prepareTemplateNow({ pg, admin, main, options, signal, source, recreateMain = true }: TemplateInput): Promise<void> {
  const template = options.templateDatabase;
  await admin.createDatabase(template, source ?? main.database);
  const details = withDatabase(main, template);
  try {
    for (const [index, file] of options.setupSql.entries()) {
      signal?.throwIfAborted();
      await traced('setupSql', 'setup', { file }, () => runSqlFile(pg, details, file, index, options.connectTimeoutMs));
    }
    const setup = options.setup;
    if (setup) {
      signal?.throwIfAborted();
      await traced('setup hook', 'setup', undefined, () => runSetupHook(setup, details.url, signal));
    }
    // One session writes the template's relation cache file, which file_copy clones then inherit.
    await admin.warmUp(template);
    await admin.allowConnections(template, false);
    await admin.markTemplate(template, true);
    await admin.terminateConnections(template);
  } catch (error) {
    await admin.markTemplate(template, false).catch(() => undefined);
    await admin.dropDatabase(template).catch(() => undefined);
    throw error;
  }
  if (recreateMain && (options.setup || options.setupSql.length > 0)) {
    await admin.dropDatabase(main.database);
    await admin.createDatabase(main.database, template);
  }
}

async function runSetupHook(setup: NonNullable<ResolvedPostgresOptions['setup']>, url: string, signal: AbortSignal | undefined) {
  const began = performance.now();
  try {
    await setup(url, { signal });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModuleError(`postgres \`setup\` hook${setup.name ? ` (${setup.name})` : ''} failed: ${message}`, {
      cause: error,
      details: { elapsedMs: performance.now() - began, hook: 'setup' },
      hint: 'the hook ran against the template database (its URL is the hook argument); the error above is its own, see `cause` for its stack',
    });
  }
}

async function runSqlFile(pg: PgModule, details: PostgresDetails, file: string, index: number, connectTimeoutMs: number): Promise<void> {
  let sql: string;
  try {
    sql = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModuleError(`postgres \`setupSql[${index}]\`: cannot read ${file}`, { cause: error });
  }
  const client = new pg.Client({ ...connection(details), connectionTimeoutMillis: connectTimeoutMs, application_name: 'berth-setup' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    // The simple query protocol runs a whole file of statements in one round trip.
    await client.query(sql);
  } catch (error) {
    if (error instanceof BerthError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ModuleError(`postgres \`setupSql[${index}]\` (${file}) failed: ${message}`, { cause: error, details: { hook: 'setupSql' } });
  } finally {
    await client.end().catch(() => undefined);
  }
}

function connection(details: PostgresDetails) {
  return { host: details.host, port: details.port, user: details.user, password: details.password, database: details.database };
}
