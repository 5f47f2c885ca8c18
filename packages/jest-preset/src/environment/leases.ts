/**
 * Isolated slices (fresh databases, redis dbs) a test file asked for, and when each goes back.
 *
 *   per test    released when the test is done (after its afterEach hooks)
 *   per file    released when the file is done (after its afterAll hooks)
 *   per worker  one per service for the life of the worker process, shared by the files it runs; the
 *               broker gives them back when the run ends. In watch mode workers live for one run
 *               while the services live on, so there they go back with the file instead.
 *
 * The slices come from the broker in jest's main process; talking to it is the `LeaseClient` seam,
 * so the bookkeeping is tested without one.
 */
import type { Lease, ServiceDetailsBase } from '@berth/core';

export type LeaseScope = 'test' | 'file' | 'worker';

export interface LeaseClient {
  acquire(service: string): Promise<Lease>;
  release(service: string, id: string): Promise<void>;
}

interface Held {
  service: string;
  lease: Promise<Lease>;
}

/** Per-worker slices: module state on purpose, the one thing shared by every file of a worker. */
const workerLeases = new Map<string, Promise<Lease>>();

export class LeaseBook {
  readonly #client: LeaseClient;
  readonly #held: Record<'test' | 'file', Held[]> = { test: [], file: [] };

  constructor(client: LeaseClient) {
    this.#client = client;
  }

  /** A slice of `service` for the given scope; per worker, the same one on every call. */
  async acquire(service: string, scope: LeaseScope): Promise<ServiceDetailsBase> {
    if (scope === 'worker') {
      let lease = workerLeases.get(service);
      if (!lease) {
        lease = this.#client.acquire(service);
        workerLeases.set(service, lease);
        // A failed acquisition is not cached: the next caller tries again and sees its own error.
        lease.catch(() => workerLeases.delete(service));
      }
      return (await lease).details;
    }
    const lease = this.#client.acquire(service);
    this.#held[scope].push({ service, lease });
    return (await lease).details;
  }

  /** Gives back every slice of a scope (waiting for acquisitions still running); collects failures. */
  async release(scope: 'test' | 'file'): Promise<unknown[]> {
    const held = this.#held[scope].splice(0);
    return this.#giveBack(held);
  }

  /** Gives back this worker's per-worker slices (watch mode: workers do not outlive the run). */
  async releaseWorker(): Promise<unknown[]> {
    const held = [...workerLeases].map(([service, lease]) => ({ service, lease }));
    workerLeases.clear();
    return this.#giveBack(held);
  }

  async #giveBack(held: Held[]): Promise<unknown[]> {
    const results = await Promise.allSettled(
      held.map(async ({ service, lease }) => {
        const acquired = await lease.catch(() => undefined);
        // The acquisition itself failed: its caller got that error, there is nothing to give back.
        if (acquired) await this.#client.release(service, acquired.id);
      }),
    );
    return results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  }
}
