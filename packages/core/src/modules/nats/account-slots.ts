/**
 * The lease accounts of one nats server on the shared isolation pool: a slot is an account index.
 * The set is fixed — every account is written into the server's configuration at start — so making
 * a slot only picks an index not handed out before; the pool's `max` is the account count, so it
 * asks for one only while one may be left. Recycling (new password, clients cut off, streams
 * deleted) is the caller's; an account whose recycling fails twice stays out of rotation.
 */
import { ModuleError } from '../../errors.js';
import { debug } from '../../log.js';
import { IsolationPool } from '../../services/pool.js';

const log = debug('nats');

export interface AccountPoolPlan {
  /** Names the pool in errors: "lease accounts of service bus (nats container berth-x)". */
  service: string;
  /** Accounts declared in the server's configuration. */
  count: number;
  acquireTimeoutMs: number;
  /** Makes the account at `index` ready for its next holder; throws when it could not. */
  recycle(index: number, signal: AbortSignal): Promise<void>;
}

export function natsAccountPool(plan: AccountPoolPlan): IsolationPool<number> {
  let next = 0;
  const outOfRotation = new Set<number>();
  const lastFailure = new Map<number, string>();
  const describe = (index: number) => `nats account ${index + 1}`;
  return new IsolationPool<number>(
    {
      create: async () => {
        if (next >= plan.count) {
          // Asked only when fewer than `count` slots exist: some account was taken out of rotation.
          throw new ModuleError(
            `no nats lease account is left to hand out: ${outOfRotation.size} of ${plan.count} are out of rotation after failed recycling, every other one is handed out or being recycled`,
            {
              hint: 'recycling an account failed twice (DEBUG=berth:* shows why); release accounts sooner, or restart the service to get every account back',
            },
          );
        }
        next += 1;
        return next - 1;
      },
      recycle: async (index, signal) => {
        try {
          await plan.recycle(index, signal);
        } catch (error) {
          lastFailure.set(index, error instanceof Error ? error.message : String(error));
          throw error;
        }
        lastFailure.delete(index);
        return 'reuse';
      },
      retire: async (index) => {
        outOfRotation.add(index);
        log(
          '%s: %s is out of rotation for the rest of the run: recycling it failed twice (%s)',
          plan.service,
          describe(index),
          lastFailure.get(index) ?? 'no error recorded',
        );
      },
      describe,
    },
    {
      service: plan.service,
      // Making a slot costs nothing (it only picks an index), so every account is ready at once.
      min: plan.count,
      max: plan.count,
      concurrency: Math.max(1, plan.count),
      acquireTimeoutMs: plan.acquireTimeoutMs,
    },
  );
}
