/**
 * Logical databases as leases: redis has 16 (0–15); the service keeps 0 and hands out 1–15, one
 * holder each. When all are out, a request waits (first come, first served) until one is released.
 * A released database is flushed before anyone else gets it.
 */
import { AbortError, ContainerNotRunningError, ModuleError } from '../../errors.js';

export interface LogicalDbPoolOptions {
  /** Databases handed out, e.g. [1, 2, ..., 15]. */
  dbs: number[];
  /** Empties a database (FLUSHDB). */
  flush(db: number): Promise<void>;
  /** Says what has stopped, for errors after close(): "redis container berth-cache-x1". */
  owner: string;
}

interface Waiter {
  resolve(db: number): void;
  reject(error: unknown): void;
}

export class LogicalDbPool {
  readonly #free: number[];
  readonly #leased = new Set<number>();
  readonly #releasing = new Map<number, Promise<void>>();
  readonly #waiters: Waiter[] = [];
  readonly #options: LogicalDbPoolOptions;
  #closed = false;

  constructor(options: LogicalDbPoolOptions) {
    this.#options = options;
    this.#free = [...options.dbs];
  }

  acquire(signal?: AbortSignal): Promise<number> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (signal?.aborted) return Promise.reject(new AbortError('redis database request was aborted', { cause: signal.reason }));
    const db = this.#free.shift();
    if (db !== undefined) {
      this.#leased.add(db);
      return Promise.resolve(db);
    }
    return new Promise<number>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new AbortError('redis database request was aborted', { cause: signal?.reason }));
      };
      const waiter: Waiter = {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Flushes the database, then hands it to the next waiter or back to the free list. Idempotent. */
  release(db: number): Promise<void> {
    const pending = this.#releasing.get(db);
    if (pending) return pending;
    if (!this.#leased.has(db)) return Promise.resolve();
    const done = this.#options
      .flush(db)
      .then(
        () => {
          this.#leased.delete(db);
          this.#handOn(db);
        },
        (error: unknown) => {
          // Not handed on: a database that may still hold someone's keys is taken out of rotation.
          this.#leased.delete(db);
          throw new ModuleError(`flushing redis database ${db} failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        },
      )
      .finally(() => this.#releasing.delete(db));
    this.#releasing.set(db, done);
    return done;
  }

  get leased(): readonly number[] {
    return [...this.#leased];
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const error = this.#closedError();
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    }
    await Promise.allSettled([...this.#releasing.values()]);
  }

  #handOn(db: number): void {
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#leased.add(db);
      waiter.resolve(db);
    } else {
      this.#free.push(db);
    }
  }

  #closedError(): ContainerNotRunningError {
    return new ContainerNotRunningError(`cannot get a redis database: the ${this.#options.owner} was stopped`, {
      hint: 'databases are available between start and stop of the service',
    });
  }
}
