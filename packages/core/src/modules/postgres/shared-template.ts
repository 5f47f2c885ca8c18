/**
 * The template step on a reused server (shared-server.ts says how runs share it): key the template
 * by its inputs (template-key.ts), hold the run connection, find the template or build it beside the
 * others, and clear away what no live run uses. The plain, per-container path stays in template.ts.
 */
import { debug } from '../../log.js';
import type { AdminConnection } from './admin.js';
import type { PostgresDetails } from './details.js';
import type { PgModule } from './driver.js';
import type { ResolvedPostgresOptions } from './options.js';
import {
  claimTemplate,
  dropRunDatabases,
  dropTemplate,
  dropUnused,
  ensureTemplate,
  newRunId,
  openRunConnection,
  RUN_DATABASE_PREFIX,
} from './shared-server.js';
import { prepareTemplate } from './template.js';
import { KEYED_TEMPLATE_PREFIX, keyedTemplateName, templateKey } from './template-key.js';

const log = debug('postgres');
const BASE_DATABASE = 'berth_base';

function ignoreDuplicate(error: unknown): void {
  if ((error as { code?: string }).code !== '42P04') throw error;
}

export interface SharedRun {
  readonly run: string;
  /** The template this run clones from. */
  readonly template: string;
  /** Prefix of this run's fresh databases. */
  readonly prefix: string;
  /** found: an earlier run built it (no setup ran); built: this run did; per-run: unkeyable setup. */
  readonly templateState: 'found' | 'built' | 'per-run';
  /** Drops this run's databases (and a per-run template), ends the run connection. Idempotent. */
  close(): Promise<void>;
}

export interface SharedInput {
  pg: PgModule;
  admin: AdminConnection;
  main: PostgresDetails;
  options: ResolvedPostgresOptions;
  signal: AbortSignal | undefined;
  /** The container was just created by this run: nobody else uses its main database yet. */
  fresh: boolean;
}

export async function prepareSharedTemplate({ pg, admin, main, options, signal, fresh }: SharedInput): Promise<SharedRun> {
  const run = newRunId();
  // The run connection opens while the server version (one round trip) and the inputs' digests
  // (file reads) make the key.
  const opening = openRunConnection(pg, main, run, options.connectTimeoutMs);
  opening.catch(() => undefined);
  const keyed = templateKey(options, admin.serverVersion());
  keyed.catch(() => undefined);
  const connection = await opening;
  try {
    const key = await keyed;
    const template = key ? keyedTemplateName(key) : `${KEYED_TEMPLATE_PREFIX}r${run}`;
    // Claimed before it is looked for: no other run's clean-up drops it under us afterwards.
    const found = await claimTemplate(connection, run, template);
    const exists = key ? found : false;
    // Templates start from the main database as the init scripts left it: the main database itself
    // may since hold an earlier run's schema. Without init scripts (or a spec override that could add
    // some) that is exactly template1, which the image cloned it from; otherwise a copy is kept aside
    // as `berth_base` when the container is new.
    const pristine = options.initScripts.length === 0 && options.spec === undefined;
    if (fresh && !pristine) await admin.createDatabase(BASE_DATABASE, main.database).catch(ignoreDuplicate);
    const outcome = await ensureTemplate(
      admin,
      template,
      run,
      async (temporary) => {
        const source = pristine ? 'template1' : (await admin.databaseExists(BASE_DATABASE)) ? BASE_DATABASE : main.database;
        await prepareTemplate({
          pg,
          admin,
          main,
          options: { ...options, templateDatabase: temporary },
          signal,
          source,
          recreateMain: fresh,
        });
      },
      exists,
    );
    log('template %s %s (run %s)', template, outcome, run);
    // Best effort, in the background: old templates and dead runs' databases.
    dropUnused(admin, connection, template).catch((error: unknown) => log('dropping unused databases: %s', (error as Error).message));
    let closed: Promise<void> | undefined;
    return {
      run,
      template,
      prefix: `${RUN_DATABASE_PREFIX}${run}_`,
      templateState: key ? outcome : 'per-run',
      close() {
        closed ??= (async () => {
          try {
            await dropRunDatabases(admin, run);
            if (!key) await dropTemplate(admin, template);
          } finally {
            await connection.end().catch(() => undefined);
          }
        })();
        return closed;
      },
    };
  } catch (error) {
    await connection.end().catch(() => undefined);
    throw error;
  }
}
