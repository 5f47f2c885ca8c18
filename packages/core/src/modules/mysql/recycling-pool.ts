/**
 * A thin layer over the fresh-database pool (which copies the template ahead of time and drops what
 * is released): a released database that can be reset to the template (recycle.ts) goes to the
 * front of the line instead of being dropped. When the shared isolation pool (services/pool.ts)
 * lands, "reset a slot, else drop it" is its own step and this file goes away.
 */
import type { FreshDatabasePool } from '../postgres/fresh-pool.js';

export class RecyclingPool {
  readonly #inner: FreshDatabasePool;
  readonly #reset: (name: string) => Promise<boolean>;
  readonly #recycled: string[] = [];
  readonly #leased = new Set<string>();
  readonly #releasing = new Map<string, Promise<void>>();
  #closed = false;

  constructor(inner: FreshDatabasePool, reset: (name: string) => Promise<boolean>) {
    this.#inner = inner;
    this.#reset = reset;
  }

  warm(): void {
    this.#inner.warm();
  }

  async acquire(signal?: AbortSignal): Promise<string> {
    const recycled = this.#closed ? undefined : this.#recycled.pop();
    const name = recycled ?? (await this.#inner.acquire(signal));
    this.#leased.add(name);
    return name;
  }

  /** Resets the database for the next caller, or drops it when it cannot be reset. Idempotent. */
  release(name: string): Promise<void> {
    const pending = this.#releasing.get(name);
    if (pending) return pending;
    if (!this.#leased.delete(name)) return Promise.resolve();
    const release = this.#reset(name)
      .catch(() => false)
      .then((reset) => {
        if (reset && !this.#closed) this.#recycled.push(name);
        else return this.#inner.release(name);
      })
      .finally(() => this.#releasing.delete(name));
    this.#releasing.set(name, release);
    return release;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#releasing.values()]);
    await this.#inner.close();
  }
}
