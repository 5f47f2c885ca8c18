/**
 * The template every fresh database is copied from, made once per service:
 *
 * 1. grant the application user all rights on the template and on every fresh database (their
 *    names are known: the template's, and `berth_fresh_<n>`), so that it can use them as its own;
 * 2. copy the main database (which holds whatever the init scripts made) into the template;
 * 3. run `setupSql` files, then the `setup` hook, against the template (migrations go here);
 * 4. read the template's recipe (clone.ts), which every fresh database is then made from;
 * 5. when setup ran, re-create the main database from the template so it has the same schema.
 *
 * A failing step drops the half-made template and throws; the caller then stops the container, so a
 * template that setup did not finish is never copied.
 */
import { readFile } from 'node:fs/promises';
import { BerthError, ModuleError } from '../../errors.js';
import { traced } from '../../trace/recorder.js';
import { type MysqlAdmin, quoteIdent } from './admin.js';
import { cloneDatabase, readRecipe, type TemplateRecipe } from './clone.js';
import { type MysqlDetails, withDatabase } from './details.js';
import type { Mysql2Module } from './driver.js';
import type { ResolvedMysqlOptions } from './options.js';

export const FRESH_PREFIX = 'berth_fresh_';

export interface TemplateInput {
  mysql: Mysql2Module;
  admin: MysqlAdmin;
  main: MysqlDetails;
  options: ResolvedMysqlOptions;
  signal: AbortSignal | undefined;
}

/** A LIKE pattern matching exactly `name` (its `_` and `%` escaped). */
function exactPattern(name: string): string {
  return name.replace(/[_%\\]/g, (c) => `\\${c}`);
}

export function prepareTemplate(input: TemplateInput): Promise<TemplateRecipe> {
  return traced('template', 'template', undefined, () => prepareTemplateNow(input));
}

async function prepareTemplateNow({ mysql, admin, main, options, signal }: TemplateInput): Promise<TemplateRecipe> {
  const template = options.templateDatabase;
  if (options.user !== 'root') {
    const user = `'${options.user}'@'%'`;
    await admin.query(
      `GRANT ALL ON ${quoteIdent(exactPattern(template))}.* TO ${user}; GRANT ALL ON ${quoteIdent(`${exactPattern(FRESH_PREFIX)}%`)}.* TO ${user}`,
    );
  }
  await cloneDatabase(admin, await readRecipe(admin, main.database), template);
  const details = withDatabase(main, template);
  let recipe: TemplateRecipe;
  try {
    for (const [index, file] of options.setupSql.entries()) {
      signal?.throwIfAborted();
      await traced('setupSql', 'setup', { file }, () => runSqlFile(mysql, details, file, index, options.connectTimeoutMs));
    }
    const setup = options.setup;
    if (setup) {
      signal?.throwIfAborted();
      await traced('setup hook', 'setup', undefined, () => runSetupHook(setup, details.url, signal));
    }
    recipe = await readRecipe(admin, template);
  } catch (error) {
    await admin.dropDatabase(template).catch(() => undefined);
    throw error;
  }
  if (options.setup || options.setupSql.length > 0) {
    await admin.dropDatabase(main.database);
    await cloneDatabase(admin, recipe, main.database);
  }
  return recipe;
}

async function runSetupHook(setup: NonNullable<ResolvedMysqlOptions['setup']>, url: string, signal: AbortSignal | undefined) {
  const began = performance.now();
  try {
    await setup(url, { signal });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModuleError(`mysql \`setup\` hook${setup.name ? ` (${setup.name})` : ''} failed: ${message}`, {
      cause: error,
      details: { elapsedMs: performance.now() - began, hook: 'setup' },
      hint: 'the hook ran against the template database (its URL is the hook argument); the error above is its own, see `cause` for its stack',
    });
  }
}

async function runSqlFile(mysql: Mysql2Module, details: MysqlDetails, file: string, index: number, connectTimeoutMs: number) {
  let sql: string;
  try {
    sql = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModuleError(`mysql \`setupSql[${index}]\`: cannot read ${file}`, { cause: error });
  }
  let connection: Awaited<ReturnType<Mysql2Module['createConnection']>> | undefined;
  try {
    connection = await mysql.createConnection({
      host: details.host,
      port: details.port,
      user: details.user,
      password: details.password,
      database: details.database,
      connectTimeout: connectTimeoutMs,
      multipleStatements: true,
    });
    connection.on('error', () => undefined);
    await connection.query(sql);
  } catch (error) {
    if (error instanceof BerthError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ModuleError(`mysql \`setupSql[${index}]\` (${file}) failed: ${message}`, { cause: error, details: { hook: 'setupSql' } });
  } finally {
    await connection?.end().catch(() => undefined);
  }
}
