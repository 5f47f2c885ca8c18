/**
 * The fresh vhosts of one broker, on the shared isolation pool: a slot is a vhost name made with
 * every permission for the service's user, given back by deleting it in the background (its queues,
 * exchanges and open connections go with it). Vhosts are never reused: a new name can't inherit
 * anything a test left behind.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ModuleError } from '../../errors.js';
import { debug } from '../../log.js';
import { IsolationPool } from '../../services/pool.js';
import type { ResolvedRabbitmqOptions } from './options.js';
import type { VhostAdmin } from './vhosts.js';

type PoolSizing = Pick<ResolvedRabbitmqOptions, 'poolSize' | 'poolConcurrency' | 'acquireTimeoutMs' | 'releaseGraceMs'>;

export interface VhostPoolPlan {
  /** Names the pool in errors: "fresh vhosts of service mq (rabbitmq container berth-x)". */
  service: string;
  /** The user that gets every permission on each vhost. */
  user: string;
  /** Vhosts are `${prefix}${n}`. */
  prefix: string;
  /** Test workers of the run: the pool keeps four vhosts ready per worker. */
  workers?: number | undefined;
}

const log = debug('rabbitmq');

/** Vhosts that may exist at once (ready, handed out, being made or deleted), at least. */
const MIN_MAX = 64;

export function vhostPool(admin: VhostAdmin, options: PoolSizing, plan: VhostPoolPlan): IsolationPool<string> {
  let counter = 0;
  return new IsolationPool<string>(
    {
      create: async (signal) => {
        const name = `${plan.prefix}${++counter}`;
        try {
          await admin.createVhost(name, plan.user, signal);
        } catch (error) {
          // Names the vhost; the pool wraps it with the service and a hint (so none here).
          throw new ModuleError(`creating vhost ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
        return name;
      },
      // Deleting a vhost closes its connections (a client without an 'error' listener then crashes
      // its process): its clients get the grace period to leave on their own first. The broker
      // cannot say cheaply and at once who is still connected (see connectionCount), and a vhost is
      // never reused, so the delete simply waits out the grace period in the background.
      recycle: async (name, signal) => {
        await sleep(options.releaseGraceMs, undefined, { signal });
        const left = (await admin.connectionCount?.(name, signal)) ?? 0;
        if (left > 0) {
          log(
            'vhost %s still has %d connection(s) after the %d ms release grace period: deleting it closes them',
            name,
            left,
            options.releaseGraceMs,
          );
        }
        await admin.deleteVhost(name, signal);
        return 'gone';
      },
      // A vhost whose delete failed twice stays on the broker; it is removed with the container.
      describe: (name) => `vhost ${name}`,
    },
    {
      service: plan.service,
      min: options.poolSize,
      max: Math.max(MIN_MAX, options.poolSize * 2),
      concurrency: options.poolConcurrency,
      acquireTimeoutMs: options.acquireTimeoutMs,
      workers: plan.workers,
    },
  );
}
