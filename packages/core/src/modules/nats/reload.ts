/**
 * Rewrites the server's configuration file and reloads it, coalescing requests: whoever asks while
 * a reload runs is served by the next one, so ten releases at once cost two reloads, not ten. The
 * reload is `nats-server --signal reload=1` run in the container (the server is PID 1); the binary
 * is `/nats-server` in the official scratch image and on PATH in the alpine one.
 *
 * The signal only starts a reload: the server applies it in steps (users, then accounts, closing
 * the clients that lost their authorization) and logs "Reloaded server configuration" when done.
 * A reload counts as finished at that line (`ReloadWatch`, fed by the container's log consumer);
 * handing an account on earlier could let its next holder connect between two steps and be cut off.
 *
 * Around `container.restart()`: the file write and the signal are one step the
 * restart waits for, and none begins while the container restarts, so the server never starts from
 * a half-written file and no signal lands in its next run unannounced. A reload still waiting for
 * its line then fails at once (the line, if the old run printed it, went with the old run's log
 * stream; counting a later run's line for it would hand an account on early); the caller's restart
 * gate runs the recycle again once the server is back.
 */
import type { StartedContainer } from '../../container/handle.js';
import { ModuleError } from '../../errors.js';
import type { LogLine } from '../../wait/target.js';
import type { RestartGate } from '../restart-gate.js';
import { CONFIG_PATH } from './config-file.js';

const RELOADED = /Reloaded server configuration/;
const FAILED = /\[ERR\].*reload/i;

/** Counts completed reloads from the server's log lines. */
export class ReloadWatch {
  #completed = 0;
  #waiters: { target: number; resolve(): void; reject(error: unknown): void }[] = [];

  /** The log consumer to put into the container spec. */
  readonly consume = (line: LogLine): void => {
    if (RELOADED.test(line.text)) {
      this.#completed += 1;
      const done = this.#waiters.filter((waiter) => waiter.target <= this.#completed);
      this.#waiters = this.#waiters.filter((waiter) => waiter.target > this.#completed);
      for (const waiter of done) waiter.resolve();
    } else if (FAILED.test(line.text)) {
      const error = new ModuleError(`nats-server could not reload its configuration: ${line.text.trim()}`);
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    }
  };

  get completed(): number {
    return this.#completed;
  }

  /** Fails every reload still waiting for its line (a restart cut them off). */
  interrupt(error: unknown): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  /** Resolves when `target` reloads have completed. */
  until(target: number, signal: AbortSignal): Promise<void> {
    if (this.#completed >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        target,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new ModuleError('nats-server did not log "Reloaded server configuration" in time', { cause: signal.reason }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }
}

export class ConfigReloader {
  readonly #container: StartedContainer;
  readonly #render: () => string;
  readonly #watch: ReloadWatch;
  readonly #timeoutMs: number;
  readonly #gate: RestartGate;
  #binary: string | undefined;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  /** The file write and the signal of the reload under way (a restart waits for them). */
  #writing: Promise<unknown> | undefined;

  constructor(container: StartedContainer, render: () => string, watch: ReloadWatch, timeoutMs: number, gate: RestartGate) {
    this.#container = container;
    this.#render = render;
    this.#watch = watch;
    this.#timeoutMs = timeoutMs;
    this.#gate = gate;
    container.onRestart({
      before: async () => {
        await this.#writing?.catch(() => undefined);
        this.#watch.interrupt(
          new ModuleError('the container restarted before nats-server confirmed the reload of its configuration', {
            hint: 'the reload runs again once the server is back',
          }),
        );
      },
      after: async () => undefined,
    });
  }

  /** Resolves once a reload that started after this call has finished. */
  reload(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#once().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    this.#next ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined;
        return this.reload();
      });
    return this.#next;
  }

  async #once(): Promise<void> {
    // Not while the container restarts (checked again after the wait: another restart may begin).
    while (this.#gate.restarting) await this.#gate.pass();
    // A timer of our own, not AbortSignal.timeout: the wait must keep a plain script's event loop
    // alive until it ends one way or the other (an unref'd timer let such a script exit, code 13).
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new ModuleError(`reloading the nats configuration took longer than ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    try {
      const writing = this.#write(timeout.signal);
      this.#writing = writing;
      const target = await writing.finally(() => {
        if (this.#writing === writing) this.#writing = undefined;
      });
      await this.#watch.until(target, timeout.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes the file and signals the server; returns the completed-reload count that means done. */
  async #write(signal: AbortSignal): Promise<number> {
    await this.#container.copyTo({ content: this.#render(), target: CONFIG_PATH, mode: 0o644 }, signal);
    const target = this.#watch.completed + 1;
    const candidates = this.#binary ? [this.#binary] : ['/nats-server', 'nats-server'];
    let failure = '';
    for (const binary of candidates) {
      const result = await this.#container
        .exec([binary, '--signal', 'reload=1'], { signal })
        .catch((error: unknown) => ({ exitCode: -1, stdout: '', stderr: error instanceof Error ? error.message : String(error) }));
      if (result.exitCode === 0) {
        this.#binary = binary;
        return target;
      }
      failure = `${binary}: exit code ${result.exitCode}: ${`${result.stderr}${result.stdout}`.trim().slice(0, 200)}`;
    }
    throw new ModuleError(`reloading the nats configuration failed (${failure})`, {
      hint: 'berth runs `nats-server --signal reload=1` in the container; the image must have nats-server as /nats-server or on PATH',
    });
  }
}
