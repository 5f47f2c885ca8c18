/**
 * MySQL has no CREATE DATABASE ... TEMPLATE, so a fresh database is made by replaying the template:
 * the template is read once (its tables' CREATE TABLE statements, which columns hold data, which
 * tables have seed rows), and each clone is then one multi-statement round trip: the tables' DDL in
 * the new database with foreign key checks off (any order works), then INSERT ... SELECT for the
 * tables that have rows.
 *
 * Measured against CREATE TABLE ... LIKE per table (bench/cases/mysql.mjs, 20 tables): LIKE took
 * 0.6× to 1.3× the replay's time across runs on our loaded 2-core machine (both are dominated by
 * creating 20 tables), and it drops foreign keys (MySQL copies neither them nor their checks). So
 * berth replays the DDL; `like` stays for the benchmark. Either costs several times what resetting
 * a released copy costs (recycle.ts), which is why copies are made only when the pool runs dry.
 *
 * Views, triggers, routines and events are not copied: a template with any of them fails at start
 * with a message saying so, instead of fresh databases silently lacking them.
 */
import { ModuleError } from '../../errors.js';
import { type MysqlAdmin, quoteIdent } from './admin.js';

export interface TableRecipe {
  name: string;
  /** SHOW CREATE TABLE's statement (unqualified table name: runs in the target database). */
  ddl: string;
  /** Columns INSERT ... SELECT copies (generated columns cannot be written). */
  columns: string[];
  hasRows: boolean;
}

export interface TemplateRecipe {
  database: string;
  tables: TableRecipe[];
}

export type CloneMethod = 'ddl' | 'like';

/** Reads what a clone needs from `database`. */
export async function readRecipe(admin: MysqlAdmin, database: string): Promise<TemplateRecipe> {
  const others = await admin.query(
    `SELECT 'view' AS kind, TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?
     UNION ALL SELECT 'trigger', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
     UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
     UNION ALL SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`,
    [database, database, database, database],
  );
  if (others.length > 0) {
    const list = others.map((o) => `${String(o.kind)} ${String(o.name)}`).join(', ');
    throw new ModuleError(`mysql: the template database ${database} has objects fresh databases cannot copy yet: ${list}`, {
      hint: 'fresh databases copy tables (with foreign keys and seed rows) only; create views, triggers and routines in each test, or use the main database',
    });
  }
  const tables = await admin.query(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [database],
  );
  const columns = await admin.query(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  const recipe: TemplateRecipe = { database, tables: [] };
  for (const { name } of tables) {
    const table = String(name);
    const qualified = `${quoteIdent(database)}.${quoteIdent(table)}`;
    const [created] = await admin.query(`SHOW CREATE TABLE ${qualified}`);
    const [filled] = await admin.query(`SELECT EXISTS(SELECT 1 FROM ${qualified}) AS filled`);
    recipe.tables.push({
      name: table,
      ddl: String(created?.['Create Table']),
      columns: columns.filter((c) => c.tableName === table).map((c) => String(c.name)),
      hasRows: Number(filled?.filled) === 1,
    });
  }
  return recipe;
}

/** The statements that make `target` a copy of the recipe's database. */
export function cloneSql(recipe: TemplateRecipe, target: string, method: CloneMethod = 'ddl'): string {
  const source = quoteIdent(recipe.database);
  const into = quoteIdent(target);
  const statements = [`CREATE DATABASE ${into}`, `USE ${into}`, 'SET @berth_fk = @@foreign_key_checks, foreign_key_checks = 0'];
  for (const table of recipe.tables) {
    const name = quoteIdent(table.name);
    statements.push(method === 'ddl' ? table.ddl : `CREATE TABLE ${into}.${name} LIKE ${source}.${name}`);
  }
  statements.push(...seedSql(recipe, target));
  statements.push('SET foreign_key_checks = @berth_fk');
  return statements.join(';\n');
}

/** The statements that copy the template's seed rows into `target` (tables with rows only). */
export function seedSql(recipe: TemplateRecipe, target: string): string[] {
  const source = quoteIdent(recipe.database);
  const into = quoteIdent(target);
  return recipe.tables
    .filter((table) => table.hasRows)
    .map((table) => {
      const columns = table.columns.map(quoteIdent).join(', ');
      const name = quoteIdent(table.name);
      return `INSERT INTO ${into}.${name} (${columns}) SELECT ${columns} FROM ${source}.${name}`;
    });
}

/** Creates `target` as a copy of the template (one round trip). */
export async function cloneDatabase(admin: MysqlAdmin, recipe: TemplateRecipe, target: string, method: CloneMethod = 'ddl'): Promise<void> {
  try {
    await admin.runScript(cloneSql(recipe, target, method));
  } catch (error) {
    // CREATE DATABASE ran before the failure (or failed itself): leave no half-made database.
    await admin.dropDatabase(target).catch(() => undefined);
    throw error;
  }
}
