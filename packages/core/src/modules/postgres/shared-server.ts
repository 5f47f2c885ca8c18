/**
 * Databases on a server that several runs share (a reused container). Each run:
 *
 * - holds one idle **run connection** named `berth-run <run> <template>` for as long as it lives.
 *   The server itself then knows which runs are alive and which template each uses; a killed run's
 *   connection goes when its process does — no locks, nothing to clean up by hand.
 * - names its fresh databases `berth_f_<run>_<n>`, so runs never see (or drop) each other's.
 * - finds its template by key (template-key.ts) or builds it under a temporary name and renames it
 *   into place. A rename onto an existing name fails, so two runs building the same template at once
 *   end with one (the loser drops its copy and uses the winner's).
 * - claims its template (a shared advisory lock on the run connection) before looking for it.
 * - then drops what no live run uses: other `berth_tpl_*` templates (each under the exclusive lock,
 *   so never one a run has claimed) and `berth_f_*` databases of runs whose connection is gone.
 */
import { randomBytes } from 'node:crypto';
import { ModuleError } from '../../errors.js';
import { debug } from '../../log.js';
import { type AdminConnection, quoteIdent } from './admin.js';
import type { PostgresDetails } from './details.js';
import type { PgClient, PgModule, PgResult } from './driver.js';
import { KEYED_TEMPLATE_PREFIX } from './template-key.js';

const log = debug('postgres');
const RUN_APP = 'berth-run';
export const RUN_DATABASE_PREFIX = 'berth_f_';

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** Opens the run connection; `close()` ends it (the run is then gone as far as the server knows). */
export async function openRunConnection(pg: PgModule, details: PostgresDetails, run: string, connectTimeoutMs: number): Promise<PgClient> {
  const client = new pg.Client({
    host: details.host,
    port: details.port,
    user: details.user,
    password: details.password,
    database: details.database === 'postgres' ? 'template1' : 'postgres',
    connectionTimeoutMillis: connectTimeoutMs,
    // The template is added once known (claimTemplate); the run id is what fresh databases go by.
    application_name: `${RUN_APP} ${run}`,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * The template `name` ready to clone: 'found' when it exists, 'built' when `build(temporaryName)`
 * made it here. `build` must leave a finished template (no connections) under the name it is given.
 */
export async function ensureTemplate(
  admin: AdminConnection,
  name: string,
  run: string,
  build: (temporary: string) => Promise<void>,
  /** Whether `name` exists, when the caller already asked. */
  exists?: boolean,
): Promise<'found' | 'built'> {
  if (exists ?? (await admin.databaseExists(name))) return 'found';
  // Named after the run, so a build whose run was killed is recognised as unused and dropped.
  const temporary = `${name}_b${run}`;
  await build(temporary);
  try {
    await admin.query(`ALTER DATABASE ${quoteIdent(temporary)} RENAME TO ${quoteIdent(name)}`);
    return 'built';
  } catch (error) {
    // 42P04 duplicate_database: another run finished the same template first. Use theirs.
    if ((error as { code?: string }).code !== '42P04') throw error;
    await dropTemplate(admin, temporary);
    return 'found';
  }
}

export async function dropTemplate(admin: AdminConnection, name: string): Promise<void> {
  await admin.markTemplate(name, false).catch(() => undefined);
  await admin.dropDatabase(name, 'later');
}

/**
 * Takes this run's claim on its template and says whether the template exists, in one round trip:
 * the run connection names the template, then holds a session-level shared advisory lock keyed by
 * its name for the run's life (released with the connection when the process dies), then looks.
 * A template is only dropped under the exclusive lock, so one found here stays until the run ends.
 */
export async function claimTemplate(connection: PgClient, run: string, template: string): Promise<boolean> {
  // Several statements in one simple query need literals; the name is berth's own, checked here.
  if (!/^[a-z0-9_]+$/.test(template) || !/^[0-9a-f]+$/.test(run)) throw new ModuleError(`unexpected template name ${template}`);
  const results = (await connection.query(
    `SET application_name TO '${RUN_APP} ${run} ${template}'; ` +
      `SELECT pg_advisory_lock_shared(hashtext('${template}')); ` +
      `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '${template}') AS found`,
  )) as unknown as PgResult | PgResult[];
  const last = Array.isArray(results) ? results[results.length - 1] : results;
  return last?.rows[0]?.found === true;
}

/** Drops templates and fresh databases no live run uses (best effort; a failure is logged). */
export async function dropUnused(admin: AdminConnection, connection: PgClient, keepTemplate: string): Promise<string[]> {
  const apps = await admin.query('SELECT application_name FROM pg_stat_activity WHERE application_name LIKE $1', [`${RUN_APP} %`]);
  const liveRuns = new Set<string>();
  const liveTemplates = new Set<string>([keepTemplate]);
  for (const row of apps) {
    const [, run, template] = String(row.application_name).split(' ');
    if (run) liveRuns.add(run);
    if (template) liveTemplates.add(template);
  }
  const rows = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2', [
    `${KEYED_TEMPLATE_PREFIX}%`,
    `${RUN_DATABASE_PREFIX}%`,
  ]);
  const dropped: string[] = [];
  for (const { datname } of rows) {
    const name = String(datname);
    // `_` is a wildcard in LIKE: look at the real prefix here.
    const building = /_b([0-9a-f]{8})$/.exec(name);
    let unused: boolean;
    if (name.startsWith(KEYED_TEMPLATE_PREFIX)) unused = building ? !liveRuns.has(building[1] as string) : !liveTemplates.has(name);
    else if (name.startsWith(RUN_DATABASE_PREFIX)) unused = !liveRuns.has(name.slice(RUN_DATABASE_PREFIX.length).split('_')[0] ?? '');
    else unused = false;
    if (!unused) continue;
    // A finished template goes only under the exclusive lock: a run that claimed it keeps it.
    const guarded = name.startsWith(KEYED_TEMPLATE_PREFIX) && !building;
    try {
      if (guarded) {
        const got = await connection.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name]);
        if (got.rows[0]?.ok !== true) continue;
      }
      try {
        await dropTemplate(admin, name);
        dropped.push(name);
      } finally {
        if (guarded) await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
      }
    } catch (error) {
      log('could not drop unused %s: %s', name, (error as Error).message);
    }
  }
  if (dropped.length > 0) log('dropped %d unused database(s): %s', dropped.length, dropped.join(', '));
  return dropped;
}

/** Drops this run's fresh databases (those still in the pool, or never released). */
export async function dropRunDatabases(admin: AdminConnection, run: string): Promise<void> {
  const rows = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${RUN_DATABASE_PREFIX}${run}_%`]);
  await Promise.all(rows.map((r) => admin.dropDatabase(String(r.datname), 'later')));
}
