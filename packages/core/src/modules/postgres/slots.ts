/**
 * A counting semaphore with two queues: `now` waiters are served before `later` ones, each queue
 * first come, first served. Guards berth's admin connections (see admin.ts).
 */
export type Priority = 'now' | 'later';

export class Slots {
  #free: number;
  readonly #queues: Record<Priority, (() => void)[]> = { now: [], later: [] };

  constructor(count: number) {
    this.#free = count;
  }

  take(priority: Priority = 'now'): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queues[priority].push(resolve));
  }

  /** `count` more may be taken at once from now on. */
  add(count: number): void {
    for (let i = 0; i < count; i += 1) this.give();
  }

  give(): void {
    const next = this.#queues.now.shift() ?? this.#queues.later.shift();
    if (next) next();
    else this.#free += 1;
  }
}
