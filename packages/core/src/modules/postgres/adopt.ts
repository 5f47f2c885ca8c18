/**
 * Fresh databases from a postgres berth did not start itself (a service of a compose file): reads
 * the credentials from the container's POSTGRES_* environment, prepares the template from the main
 * database and keeps a pool of fresh databases, like startPostgres() does after its start. The
 * container stays its owner's: stop() closes berth's connections and pool, never the container.
 * The pool itself is the one startPostgres() uses (fresh-pool.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { config, scaledTimeout } from '../../config.js';
import type { StartedContainer } from '../../container/handle.js';
import { CleanupError, ModuleError, withDetails } from '../../errors.js';
import { registerSecret } from '../../log.js';
import type { Isolation, Lease } from '../../services/definition.js';
import { AdminConnection } from './admin.js';
import { type PostgresDetails, postgresUrl, withDatabase } from './details.js';
import { loadPg, type PgModule } from './driver.js';
import { adminConnectionOptions, freshDatabasePool } from './fresh-pool.js';
import { type PostgresOptions, resolvePostgresOptions } from './options.js';
import { prepareTemplate } from './template.js';

export type AdoptPostgresOptions = Pick<
  PostgresOptions,
  | 'user'
  | 'password'
  | 'database'
  | 'setupSql'
  | 'setup'
  | 'poolSize'
  | 'poolConcurrency'
  | 'templateDatabase'
  | 'connectTimeoutMs'
  | 'releaseGraceMs'
> & {
  /** Port postgres listens on inside the container. Default 5432. */
  port?: number;
};

export interface AdoptedPostgres {
  readonly details: PostgresDetails;
  readonly isolation: Isolation<PostgresDetails>;
  /** Closes the pool and berth's connections; the container, and the fresh databases in it, stay. Idempotent. */
  stop(): Promise<void>;
}

export async function adoptPostgres(
  container: StartedContainer,
  options: AdoptPostgresOptions = {},
  signal?: AbortSignal,
): Promise<AdoptedPostgres> {
  const info = await container.inspect(signal);
  const env = Object.fromEntries(
    (info?.Config.Env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  const user = options.user ?? env.POSTGRES_USER ?? 'postgres';
  const password = options.password ?? env.POSTGRES_PASSWORD;
  if (!password) {
    throw new ModuleError(`cannot adopt postgres ${container.name}: no password`, {
      hint: 'set POSTGRES_PASSWORD in the compose service, or pass `password`',
      details: { containerName: container.name },
    });
  }
  // `port` is adopt's own option, not one of postgres()'s (whose strict keys would refuse it).
  const { port: containerPort = 5432, ...postgresOptions } = options;
  const resolved = resolvePostgresOptions({ ...postgresOptions, user, password, database: options.database ?? env.POSTGRES_DB ?? user });
  registerSecret(resolved.password);
  const pg = await loadPg();
  const port = container.mappedPort(containerPort);
  const main = { host: container.host, port, user: resolved.user, password: resolved.password, database: resolved.database };
  const details: PostgresDetails = { kind: 'postgres', ...main, url: postgresUrl(main), containerName: container.name };
  const admin = new AdminConnection(pg, details, adminConnectionOptions(resolved));
  try {
    await untilAnswering(pg, details, resolved.startupTimeoutMs, signal);
    await prepareTemplate({ pg, admin, main: details, options: resolved, signal });
  } catch (error) {
    await admin.close().catch(() => undefined);
    throw withDetails(
      error,
      { containerName: container.name },
      (message, opts) => new ModuleError(`preparing the template database failed: ${message}`, opts),
    );
  }
  const pool = freshDatabasePool(admin, resolved, {
    service: `fresh databases of postgres ${container.name}`,
    template: () => Promise.resolve(),
    templateName: resolved.templateDatabase,
    prefix: 'berth_fresh_',
  });
  pool.warm();
  const isolation: Isolation<PostgresDetails> = {
    async acquire(signal?: AbortSignal): Promise<Lease<PostgresDetails>> {
      const name = await pool.acquire(signal);
      return { id: name, details: withDatabase(details, name) };
    },
    release: async (id) => pool.release(id),
  };
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const errors: unknown[] = [];
      await pool.close().catch((error: unknown) => errors.push(error));
      await admin.close().catch((error: unknown) => errors.push(error));
      if (errors.length > 0) throw new CleanupError(`releasing postgres ${container.name} failed`, errors);
    })();
    return stopped;
  };
  return { details, isolation, stop };
}

/**
 * A compose health check often says "ready" too early: `pg_isready` on the unix socket answers while
 * the image's entrypoint still runs its init scripts on a temporary server, which then restarts. That
 * temporary server does not listen on TCP, so a query over the published port only succeeds on the
 * final one.
 */
async function untilAnswering(pg: PgModule, details: PostgresDetails, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = performance.now() + scaledTimeout(timeoutMs, config());
  let last: unknown;
  while (performance.now() < deadline) {
    signal?.throwIfAborted();
    const { host, port, user, password, database } = details;
    const client = new pg.Client({ host, port, user, password, database, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      last = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(100, undefined, signal ? { signal } : {});
  }
  throw new ModuleError(`postgres ${details.containerName} did not answer a query over its published port in time`, {
    cause: last,
    hint: 'is the service really postgres, listening on 5432 (or the `port` given)?',
    details: { containerName: details.containerName },
  });
}
