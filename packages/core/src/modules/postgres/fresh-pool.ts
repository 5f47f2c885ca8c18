/**
 * The fresh databases of one postgres server, on the shared isolation pool: a slot is a database
 * cloned from the template, given back by dropping it in the background. startPostgres() and
 * adoptPostgres() (a compose file's postgres) both make theirs here.
 */
import { IsolationPool } from '../../services/pool.js';
import type { AdminConnection } from './admin.js';
import type { ResolvedPostgresOptions } from './options.js';

/** Clones at once when the user did not say. */
const DEFAULT_CONCURRENCY = 4;
/**
 * Clones at once on a server before 12. Its CREATE DATABASE waits for two checkpoints by sleeping
 * 100 ms at a time (12 wakes the waiter when the checkpoint is done), so one clone takes ~200 ms,
 * nearly all of it asleep, and clones made side by side share the checkpoints. Measured on
 * postgres 10 (tmpfs data, 4 clients asking in a tight loop, median handout): 4 at once 180 ms,
 * 16 at once 39–50 ms, 32 at once 19–20 ms, where the machine's two cores become the limit.
 */
const SLEEPY_CHECKPOINT_CONCURRENCY = 32;
const SLEEPY_CHECKPOINT_BEFORE = 120000;

type PoolSizing = Pick<
  ResolvedPostgresOptions,
  'cloneStrategy' | 'poolSize' | 'poolConcurrency' | 'acquireTimeoutMs' | 'connectTimeoutMs' | 'releaseGraceMs'
>;

export interface FreshPoolPlan {
  /** Names the pool in errors: "fresh databases of service db (postgres container berth-x)". */
  service: string;
  /** Settles when the template exists; every clone waits for it (asked each time: a restart may remake it). */
  template: () => Promise<void>;
  /** The template database to clone. */
  templateName: string;
  /** Fresh databases are `${prefix}${n}`: per run on a shared server, so runs never meet. */
  prefix: string;
  workers?: number | undefined;
}

/** What berth's admin connection needs to serve this pool: one statement per clone at once, plus one. */
export function adminConnectionOptions(options: PoolSizing) {
  return {
    connections: (options.poolConcurrency ?? DEFAULT_CONCURRENCY) + 1,
    maxConnections: (options.poolConcurrency ?? SLEEPY_CHECKPOINT_CONCURRENCY) + 1,
    connectTimeoutMs: options.connectTimeoutMs,
    cloneStrategy: options.cloneStrategy,
  };
}

export function freshDatabasePool(connection: AdminConnection, options: PoolSizing, plan: FreshPoolPlan): IsolationPool<string> {
  let counter = 0;
  let sized = options.poolConcurrency !== undefined;
  const pool: IsolationPool<string> = new IsolationPool<string>(
    {
      // A clone cut off by a restart of the container is made again once the server is back.
      create: () =>
        connection.redoAfterRestart(async () => {
          await plan.template();
          if (!sized) {
            sized = true;
            if ((await connection.serverVersion()) < SLEEPY_CHECKPOINT_BEFORE) {
              connection.widen(SLEEPY_CHECKPOINT_CONCURRENCY + 1);
              pool.setConcurrency(SLEEPY_CHECKPOINT_CONCURRENCY);
            }
          }
          const name = `${plan.prefix}${++counter}`;
          await connection.createDatabase(name, plan.templateName);
          // A wal_log clone has no relation cache file; without this its first client builds it
          // (measured here: ~50 ms extra, long tail). file_copy clones inherit the template's.
          if (options.cloneStrategy === 'wal_log') await connection.warmUp(name);
          return name;
        }),
      // Dropped once its clients have left on their own (release-grace.ts), forced only after that.
      recycle: async (name, signal) => {
        await connection.releaseDatabase(name, options.releaseGraceMs, 'later', signal);
        return 'gone';
      },
      describe: (name) => `database ${name}`,
    },
    {
      service: plan.service,
      min: options.poolSize,
      max: Math.max(64, options.poolSize * 2),
      concurrency: options.poolConcurrency ?? DEFAULT_CONCURRENCY,
      acquireTimeoutMs: options.acquireTimeoutMs,
      workers: plan.workers,
    },
  );
  return pool;
}
