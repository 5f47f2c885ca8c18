/**
 * Lease accounts as a fixed set: one holder each, first come first served when all are out. A
 * released account is recycled (new password, clients disconnected, streams deleted) before anyone
 * else gets it; one whose recycling failed is taken out of rotation rather than handed on dirty.
 */
import { AbortError, ContainerNotRunningError, ModuleError } from '../../errors.js';

interface Waiter {
  resolve(index: number): void;
  reject(error: unknown): void;
}

export class AccountPool {
  readonly #free: number[];
  readonly #leased = new Set<number>();
  readonly #releasing = new Map<number, Promise<void>>();
  readonly #waiters: Waiter[] = [];
  readonly #recycle: (index: number) => Promise<void>;
  readonly #owner: string;
  #closed = false;

  constructor(count: number, recycle: (index: number) => Promise<void>, owner: string) {
    this.#free = Array.from({ length: count }, (_, i) => i);
    this.#recycle = recycle;
    this.#owner = owner;
  }

  acquire(signal?: AbortSignal): Promise<number> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.#free.length === 0 && this.#leased.size === 0 && this.#releasing.size === 0) {
      return Promise.reject(
        new ModuleError(`no nats lease account is left on the ${this.#owner}`, {
          hint: 'recycling failed for every account (see the earlier release errors), or the service has `accounts: 0`',
        }),
      );
    }
    if (signal?.aborted) return Promise.reject(new AbortError('nats account request was aborted', { cause: signal.reason }));
    const index = this.#free.shift();
    if (index !== undefined) {
      this.#leased.add(index);
      return Promise.resolve(index);
    }
    return new Promise<number>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(new AbortError('nats account request was aborted', { cause: signal?.reason }));
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

  /** Recycles the account, then hands it to the next waiter or back to the free list. Idempotent. */
  release(index: number): Promise<void> {
    const pending = this.#releasing.get(index);
    if (pending) return pending;
    if (!this.#leased.has(index)) return Promise.resolve();
    const done = this.#recycle(index)
      .then(
        () => {
          this.#leased.delete(index);
          this.#handOn(index);
        },
        (error: unknown) => {
          this.#leased.delete(index);
          throw new ModuleError(`recycling nats account ${index + 1} failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
            hint: 'the account is out of rotation for the rest of the run',
          });
        },
      )
      .finally(() => this.#releasing.delete(index));
    this.#releasing.set(index, done);
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

  #handOn(index: number): void {
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#leased.add(index);
      waiter.resolve(index);
    } else {
      this.#free.push(index);
    }
  }

  #closedError(): ContainerNotRunningError {
    return new ContainerNotRunningError(`cannot get a nats account: the ${this.#owner} was stopped`, {
      hint: 'lease accounts are available between start and stop of the service',
    });
  }
}
