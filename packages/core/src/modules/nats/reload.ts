/**
 * Rewrites the server's configuration file and reloads it, coalescing requests: whoever asks while
 * a reload runs is served by the next one, so ten releases at once cost two reloads, not ten. The
 * reload is `nats-server --signal reload=1` run in the container (the server is PID 1); the binary
 * is `/nats-server` in the official scratch image and on PATH in the alpine one.
 */
import type { StartedContainer } from '../../container/handle.js';
import { ModuleError } from '../../errors.js';
import { CONFIG_PATH } from './config-file.js';

export class ConfigReloader {
  readonly #container: StartedContainer;
  readonly #render: () => string;
  readonly #timeoutMs: number;
  #binary: string | undefined;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(container: StartedContainer, render: () => string, timeoutMs: number) {
    this.#container = container;
    this.#render = render;
    this.#timeoutMs = timeoutMs;
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
    const signal = AbortSignal.timeout(this.#timeoutMs);
    await this.#container.copyTo({ content: this.#render(), target: CONFIG_PATH, mode: 0o644 }, signal);
    const candidates = this.#binary ? [this.#binary] : ['/nats-server', 'nats-server'];
    let failure = '';
    for (const binary of candidates) {
      const result = await this.#container
        .exec([binary, '--signal', 'reload=1'], { signal })
        .catch((error: unknown) => ({ exitCode: -1, stdout: '', stderr: error instanceof Error ? error.message : String(error) }));
      if (result.exitCode === 0) {
        this.#binary = binary;
        return;
      }
      failure = `${binary}: exit code ${result.exitCode}: ${`${result.stderr}${result.stdout}`.trim().slice(0, 200)}`;
    }
    throw new ModuleError(`reloading the nats configuration failed (${failure})`, {
      hint: 'berth runs `nats-server --signal reload=1` in the container; the image must have nats-server as /nats-server or on PATH',
    });
  }
}
