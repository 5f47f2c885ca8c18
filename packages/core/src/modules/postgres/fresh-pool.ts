/**
 * The fresh databases of one postgres server, on the shared isolation pool: a slot is a database
 * cloned from the template, given back by dropping it in the background. startPostgres() and
 * adoptPostgres() (a compose file's postgres) both make theirs here.
 */
import { IsolationPool } from '../../services/pool.js';
import type { AdminConnection } from './admin.js';
import type { ResolvedPostgresOptions } from './options.js';

export interface FreshPoolPlan {
  /** Names the pool in errors: "fresh databases of service db (postgres container berth-x)". */
  service: string;
  /** Settles when the template exists; every clone waits for it. */
  template: Promise<void>;
  /** The template database to clone. */
  templateName: string;
  /** Fresh databases are `${prefix}${n}`: per run on a shared server, so runs never meet. */
  prefix: string;
  workers?: number | undefined;
}

export function freshDatabasePool(
  connection: AdminConnection,
  options: Pick<ResolvedPostgresOptions, 'cloneStrategy' | 'poolSize' | 'poolConcurrency' | 'acquireTimeoutMs'>,
  plan: FreshPoolPlan,
): IsolationPool<string> {
  let counter = 0;
  return new IsolationPool<string>(
    {
      create: async () => {
        await plan.template;
        const name = `${plan.prefix}${++counter}`;
        await connection.createDatabase(name, plan.templateName);
        // A wal_log clone has no relation cache file; without this its first client builds it
        // (measured here: ~50 ms extra, long tail). file_copy clones inherit the template's.
        if (options.cloneStrategy === 'wal_log') await connection.warmUp(name);
        return name;
      },
      recycle: async (name) => {
        await connection.dropDatabase(name, 'later');
        return 'gone';
      },
      describe: (name) => `database ${name}`,
    },
    {
      service: plan.service,
      min: options.poolSize,
      max: Math.max(64, options.poolSize * 2),
      concurrency: options.poolConcurrency,
      acquireTimeoutMs: options.acquireTimeoutMs,
      workers: plan.workers,
    },
  );
}
