/**
 * berth's admin connections to a database server across a restart of its container. While the
 * container restarts, new statements wait here instead of failing against a stopped server or its
 * old host port; `epoch` counts restarts, so work that a restart cut off can tell so and be done once
 * more (`redo`). After a restart that did not come back, every wait fails at once with the reason.
 */
import type { BerthError } from '../errors.js';

export class RestartGate {
  #epoch = 0;
  #waiting: { opened: Promise<void>; open: () => void } | undefined;
  #broken: BerthError | undefined;

  /** Restarts begun so far. */
  get epoch(): number {
    return this.#epoch;
  }

  /** A restart is under way: pass() would wait. */
  get restarting(): boolean {
    return this.#waiting !== undefined;
  }

  /** Called before the container restarts: new work waits from now on. */
  close(): void {
    this.#epoch += 1;
    if (this.#waiting) return;
    const waiting: { opened?: Promise<void>; open?: () => void } = {};
    waiting.opened = new Promise<void>((resolve) => {
      waiting.open = resolve;
    });
    this.#waiting = waiting as { opened: Promise<void>; open: () => void };
  }

  /** The server is back (on its new address): waiting work goes on. */
  open(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.open();
  }

  /** The server is not coming back: waiting and later work fails with `reason`. */
  break(reason: BerthError): void {
    this.#broken ??= reason;
    this.open();
  }

  /** Resolves once no restart is under way; rejects when one failed. */
  async pass(): Promise<void> {
    if (this.#waiting) await this.#waiting.opened;
    if (this.#broken) throw this.#broken;
  }

  /**
   * Runs `work`; when it fails and a restart began meanwhile, the failure was the restart's: it runs
   * once more after the restart. A failure without a restart is the caller's to see.
   */
  async redo<T>(work: () => Promise<T>): Promise<T> {
    await this.pass();
    const epoch = this.#epoch;
    try {
      return await work();
    } catch (error) {
      if (this.#epoch === epoch) throw error;
      await this.pass();
      return work();
    }
  }
}
