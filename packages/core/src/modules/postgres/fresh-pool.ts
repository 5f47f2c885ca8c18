/**
 * Fresh databases on request, from a pool kept warm in the background. Cloning takes tens of
 * milliseconds or more, so `size` clones are made ahead of time (at most `concurrency` at once) and
 * a request usually just takes one; each request also starts a refill. Released databases are
 * dropped. Every name is handed out once, to one caller, however many ask at the same time.
 *
 * The pool only knows names; how a database is made and dropped is the `DatabaseFactory`'s business
 * (CREATE DATABASE ... TEMPLATE in practice, a fake in unit tests).
 *
 * A failed clone is reported to every waiting caller and stops the background refill (no silent
 * retry loop against a server that is gone); the next request tries again.
 */
import { AbortError, ContainerNotRunningError, ModuleError } from '../../errors.js';

export interface DatabaseFactory {
  create(name: string): Promise<void>;
  drop(name: string): Promise<void>;
}

export interface FreshPoolOptions {
  /** Databases kept ready. */
  size: number;
  /** Clones running at once. */
  concurrency: number;
  /** Names are `${prefix}${n}`. */
  prefix: string;
  /** Says what has stopped, for the error after close(): "postgres container berth-db-x1". */
  owner: string;
}

interface Waiter {
  resolve(name: string): void;
  reject(error: unknown): void;
}

export class FreshDatabasePool {
  readonly #factory: DatabaseFactory;
  readonly #options: FreshPoolOptions;
  readonly #ready: string[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #leased = new Set<string>();
  readonly #dropping = new Map<string, Promise<void>>();
  readonly #running = new Set<Promise<void>>();
  #counter = 0;
  #creating = 0;
  #paused = false;
  #closed = false;

  constructor(factory: DatabaseFactory, options: FreshPoolOptions) {
    this.#factory = factory;
    this.#options = options;
  }

  /** Starts filling the pool in the background. */
  warm(): void {
    this.#fill();
  }

  /** The name of a database nobody else has; yours until `release(name)`. */
  acquire(signal?: AbortSignal): Promise<string> {
    if (this.#closed) return Promise.reject(this.#closedError('get a fresh database'));
    if (signal?.aborted) return Promise.reject(new AbortError('fresh database request was aborted', { cause: signal.reason }));
    this.#paused = false;
    const ready = this.#ready.shift();
    if (ready !== undefined) {
      this.#leased.add(ready);
      this.#fill();
      return Promise.resolve(ready);
    }
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new AbortError('fresh database request was aborted', { cause: signal?.reason }));
      };
      const waiter: Waiter = {
        resolve: (name) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(name);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#fill();
    });
  }

  /** Drops a database handed out by acquire(). Idempotent; unknown names are ignored. */
  release(name: string): Promise<void> {
    const pending = this.#dropping.get(name);
    if (pending) return pending;
    if (!this.#leased.delete(name)) return Promise.resolve();
    const drop = this.#factory
      .drop(name)
      .catch((error: unknown) => {
        throw new ModuleError(`dropping fresh database ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      })
      .finally(() => this.#dropping.delete(name));
    this.#dropping.set(name, drop);
    this.#track(drop);
    return drop;
  }

  /** Databases handed out and not yet released. */
  get leased(): readonly string[] {
    return [...this.#leased];
  }

  /** Databases made and waiting for a caller. */
  get readyCount(): number {
    return this.#ready.length;
  }

  /** Refuses new requests, fails the waiting ones, and waits for clones and drops in progress. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const error = this.#closedError('get a fresh database');
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    }
    await Promise.allSettled([...this.#running]);
  }

  #fill(): void {
    while (!this.#closed && this.#creating < this.#options.concurrency && this.#wanted()) {
      const name = `${this.#options.prefix}${++this.#counter}`;
      this.#creating += 1;
      const made = this.#factory.create(name).then(
        () => {
          this.#creating -= 1;
          this.#deliver(name);
          this.#fill();
        },
        (error: unknown) => {
          this.#creating -= 1;
          this.#fail(name, error);
        },
      );
      this.#track(made);
    }
  }

  /** More clones are needed: for the waiting callers, and to keep `size` ready (unless paused). */
  #wanted(): boolean {
    const coming = this.#ready.length + this.#creating;
    if (coming < this.#waiters.length) return true;
    return !this.#paused && coming < this.#options.size + this.#waiters.length;
  }

  #deliver(name: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#leased.add(name);
      waiter.resolve(name);
    } else if (!this.#closed) {
      this.#ready.push(name);
    }
  }

  #fail(name: string, error: unknown): void {
    this.#paused = true;
    const reason = this.#closed
      ? this.#closedError('get a fresh database')
      : new ModuleError(`creating fresh database ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          hint: `is the ${this.#options.owner} still running? The error above is the server's answer.`,
        });
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason);
  }

  #track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#running.add(settled);
    void settled.then(() => this.#running.delete(settled));
  }

  #closedError(what: string): ContainerNotRunningError {
    return new ContainerNotRunningError(`cannot ${what}: the ${this.#options.owner} was stopped`, {
      hint: 'fresh databases are available between start and stop of the service; ask before stop() or dispose',
    });
  }
}
