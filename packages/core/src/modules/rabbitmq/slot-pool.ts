/**
 * Fresh slots (vhosts) on request, kept warm: `size` are made ahead of time (at most `concurrency`
 * at once), a request takes one and starts a refill, a released slot is dropped, never reused.
 * Every name goes to one caller. How a slot is made and dropped is the `SlotOps`' business, plain
 * functions, so that this stays a thin layer and can give way to the shared pool of the services
 * layer.
 *
 * A failed create is reported to every waiting caller and pauses the background refill (no silent
 * retry loop against a server that is gone); the next request tries again.
 */
import { AbortError, ContainerNotRunningError, ModuleError } from '../../errors.js';

export interface SlotOps {
  create(name: string): Promise<void>;
  drop(name: string): Promise<void>;
}

export interface SlotPoolOptions {
  size: number;
  concurrency: number;
  /** Names are `${prefix}${n}`. */
  prefix: string;
  /** What a slot is, for messages: "vhost". */
  noun: string;
  /** What stops, for the error after close(): "rabbitmq container berth-mq-x1". */
  owner: string;
}

interface Waiter {
  resolve(name: string): void;
  reject(error: unknown): void;
}

export class SlotPool {
  readonly #ops: SlotOps;
  readonly #options: SlotPoolOptions;
  readonly #ready: string[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #leased = new Set<string>();
  readonly #dropping = new Map<string, Promise<void>>();
  readonly #running = new Set<Promise<void>>();
  #counter = 0;
  #creating = 0;
  #paused = false;
  #closed = false;

  constructor(ops: SlotOps, options: SlotPoolOptions) {
    this.#ops = ops;
    this.#options = options;
  }

  warm(): void {
    this.#fill();
  }

  acquire(signal?: AbortSignal): Promise<string> {
    const { noun } = this.#options;
    if (this.#closed) return Promise.reject(this.#closedError());
    if (signal?.aborted) return Promise.reject(new AbortError(`fresh ${noun} request was aborted`, { cause: signal.reason }));
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
        reject(new AbortError(`fresh ${noun} request was aborted`, { cause: signal?.reason }));
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

  /** Drops a slot handed out by acquire(). Idempotent; unknown names are ignored. */
  release(name: string): Promise<void> {
    const pending = this.#dropping.get(name);
    if (pending) return pending;
    if (!this.#leased.delete(name)) return Promise.resolve();
    const drop = this.#ops
      .drop(name)
      .catch((error: unknown) => {
        throw new ModuleError(`dropping ${this.#options.noun} ${name} failed: ${message(error)}`, { cause: error });
      })
      .finally(() => this.#dropping.delete(name));
    this.#dropping.set(name, drop);
    this.#track(drop);
    return drop;
  }

  get leased(): readonly string[] {
    return [...this.#leased];
  }

  get readyCount(): number {
    return this.#ready.length;
  }

  /** Refuses new requests, fails waiting ones, waits for creates and drops in progress. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const error = this.#closedError();
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    }
    await Promise.allSettled([...this.#running]);
  }

  #fill(): void {
    while (!this.#closed && this.#creating < this.#options.concurrency && this.#wanted()) {
      const name = `${this.#options.prefix}${++this.#counter}`;
      this.#creating += 1;
      const made = this.#ops.create(name).then(
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
      ? this.#closedError()
      : new ModuleError(`creating ${this.#options.noun} ${name} failed: ${message(error)}`, {
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

  #closedError(): ContainerNotRunningError {
    return new ContainerNotRunningError(`cannot get a fresh ${this.#options.noun}: the ${this.#options.owner} was stopped`, {
      hint: `fresh ${this.#options.noun}s are available between start and stop of the service; ask before stop() or dispose`,
    });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
