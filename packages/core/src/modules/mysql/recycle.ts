/**
 * Giving a released fresh database back to the next test instead of dropping it. On this kind of
 * server, dropping a 20-table database and copying the template again costs hundreds of
 * milliseconds (a file per table is written and deleted, measured in bench/cases/mysql.mjs), while
 * emptying its tables costs a few. So a released database whose *schema* is still the template's is
 * reset to the template's *data* and handed out again:
 *
 * 1. sessions still using it are given a grace period to leave, then ended (a transaction would
 *    hold locks on its tables);
 * 2. its schema fingerprint (columns, indexes, foreign keys, tables and engines, and no views,
 *    triggers, routines or events) must equal the template's — a test that altered the schema gets
 *    its database dropped and a new copy made, as before;
 * 3. every table is emptied (DELETE, foreign key checks off), the template's seed rows copied in,
 *    and AUTO_INCREMENT counters that moved set back to the template's values.
 *
 * The database that comes back is indistinguishable, through SQL, from a new copy of the template.
 */
import type { Priority } from '../postgres/slots.js';
import { type MysqlAdmin, quoteIdent } from './admin.js';
import { seedSql, type TemplateRecipe } from './clone.js';

export interface Fingerprint {
  /** Digest of the schema, with the database's own name left out. */
  schema: string;
  /** AUTO_INCREMENT counter per table (null: the table has no auto-increment column). */
  counters: Record<string, number | null>;
}

const PRINT_QUERIES = [
  `SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE,
     IFNULL(COLUMN_DEFAULT, '~'), EXTRA, IFNULL(COLLATION_NAME, '~')) ORDER BY TABLE_NAME, ORDINAL_POSITION SEPARATOR '\\n')) AS digest
   FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`,
  `SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, IFNULL(SUB_PART, '~'), INDEX_TYPE)
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX SEPARATOR '\\n')) AS digest
   FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?`,
  `SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION,
     IFNULL(REFERENCED_TABLE_NAME, '~'), IFNULL(REFERENCED_COLUMN_NAME, '~'), REFERENCED_TABLE_SCHEMA = TABLE_SCHEMA)
     ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION SEPARATOR '\\n')) AS digest
   FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ?`,
  `SELECT (SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?)
     + (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?)
     + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?)
     + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?) AS digest`,
  `SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, AUTO_INCREMENT AS counter
   FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
];

/** The schema digest and counters of `database`, in one round trip. */
export async function fingerprint(admin: MysqlAdmin, database: string, priority: Priority = 'now'): Promise<Fingerprint> {
  // MySQL 8 caches table statistics (AUTO_INCREMENT among them) for a day unless told otherwise;
  // MariaDB has no such cache (nor the setting).
  const fresh = (await admin.isMariadb()) ? [] : ['SET SESSION information_schema_stats_expiry = 0'];
  const sql = ['SET SESSION group_concat_max_len = 16777216', ...fresh, ...PRINT_QUERIES].join(';\n');
  const values = [database, database, database, database, database, database, database, database];
  const results = (await admin.queryResults(sql, values, priority)).slice(1 + fresh.length);
  const digests = results.slice(0, 4).map((rows) => String(rows[0]?.digest));
  const tables = results[4] ?? [];
  const shape = tables.map((t) => `${String(t.name)}|${String(t.type)}|${String(t.engine)}`).join('\n');
  const counters: Record<string, number | null> = {};
  for (const t of tables) counters[String(t.name)] = t.counter === null || t.counter === undefined ? null : Number(t.counter);
  return { schema: [...digests, shape].join('/'), counters };
}

/**
 * Resets `database` to the template's data if its schema is still the template's. False (nothing
 * done beyond ending its sessions) when the schema differs: the caller drops it instead.
 */
export async function resetDatabase(
  admin: MysqlAdmin,
  recipe: TemplateRecipe,
  template: Fingerprint,
  database: string,
  graceMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  await admin.endSessionsAfterGrace(database, graceMs, signal);
  const print = await fingerprint(admin, database);
  if (print.schema !== template.schema) return false;
  const into = quoteIdent(database);
  const statements = ['SET @berth_fk = @@foreign_key_checks, foreign_key_checks = 0'];
  for (const table of recipe.tables) statements.push(`DELETE FROM ${into}.${quoteIdent(table.name)}`);
  statements.push(...seedSql(recipe, database));
  for (const table of recipe.tables) {
    const want = template.counters[table.name];
    if (want !== null && want !== undefined && print.counters[table.name] !== want) {
      statements.push(`ALTER TABLE ${into}.${quoteIdent(table.name)} AUTO_INCREMENT = ${want}`);
    }
  }
  statements.push('SET foreign_key_checks = @berth_fk');
  await admin.query(statements.join(';\n'));
  return true;
}
