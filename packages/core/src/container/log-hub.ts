/**
 * One follow stream of a container's logs since its start, split into lines and fanned out: to the
 * wait strategy (replayed from the start, then live), to the spec's log consumer, and into a small
 * ring buffer that errors quote. The engine connection is the only thing that keeps it alive; once
 * readiness is settled the hub either closes it or unrefs it (when a log consumer still wants lines),
 * so it never holds a test runner open.
 */
import type { Readable } from 'node:stream';
import type { SplitLogs } from '../engine/engine.js';
import type { LogLine } from '../wait/target.js';

const REPLAY_LIMIT = 5_000;
export const TAIL_LINES = 50;

type Listener = (line: LogLine | undefined) => void;

export class LogHub {
  #lines: LogLine[] = [];
  #limit = REPLAY_LIMIT;
  #listeners = new Set<Listener>();
  #ended = false;
  #source: SplitLogs | undefined;
  #onEnd: (() => void)[] = [];
  #closed = false;
  #unrefWanted = false;
  readonly #consumer: ((line: LogLine) => void) | undefined;

  constructor(consumer?: (line: LogLine) => void) {
    this.#consumer = consumer;
  }

  /**
   * Attaches a follow stream whose response has not arrived yet. Some engines (Podman 4) send the
   * response headers of a follow only with the container's first output, so readiness must not wait
   * for them: the lines join the hub whenever the stream opens. A stream that opens after the hub was
   * closed is closed at once; one that fails to open ends the hub (waits then see no more lines).
   */
  attachPending(pending: Promise<SplitLogs>): void {
    pending.then(
      (source) => {
        if (this.#closed) {
          source.destroy();
          return;
        }
        this.attach(source);
        if (this.#unrefWanted) source.unref();
      },
      () => {
        this.#end();
      },
    );
  }

  attach(source: SplitLogs): void {
    this.#source = source;
    let open = 2;
    const done = () => {
      open -= 1;
      if (open === 0) this.#end();
    };
    this.#read(source.stdout, 'stdout', done);
    this.#read(source.stderr, 'stderr', done);
  }

  #read(stream: Readable, kind: LogLine['stream'], done: () => void): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) this.#push({ stream: kind, text: part.replace(/\r$/, '') });
    });
    const finish = () => {
      if (partial !== '') this.#push({ stream: kind, text: partial });
      partial = '';
      done();
    };
    stream.once('end', finish);
    stream.once('error', finish);
  }

  #push(line: LogLine): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#limit) this.#lines.splice(0, this.#lines.length - this.#limit);
    try {
      this.#consumer?.(line);
    } catch {
      // A throwing consumer must not break readiness detection.
    }
    for (const listener of this.#listeners) listener(line);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const listener of this.#listeners) listener(undefined);
    this.#listeners.clear();
    for (const resolve of this.#onEnd.splice(0)) resolve();
  }

  /**
   * Resolves when the engine has delivered the last line (the follow stream ends once the container
   * stops), or after `maxMs`, whichever is first. Used so an exit error quotes the final lines.
   */
  drained(maxMs: number): Promise<void> {
    if (this.#ended) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.#onEnd.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Last lines, formatted as "stderr | text" for error messages. */
  tail(count = TAIL_LINES): string[] {
    return this.#lines.slice(-count).map((line) => (line.stream === 'stderr' ? `stderr: ${line.text}` : line.text));
  }

  /** Every line since the start (bounded), then live lines until the stream ends or `signal` fires. */
  async *lines(signal: AbortSignal): AsyncGenerator<LogLine> {
    const queue: LogLine[] = [...this.#lines];
    let finished = this.#ended;
    let wake: (() => void) | undefined;
    const listener: Listener = (line) => {
      if (line === undefined) finished = true;
      else queue.push(line);
      wake?.();
    };
    const onAbort = () => {
      finished = true;
      wake?.();
    };
    if (!finished) this.#listeners.add(listener);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (true) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (finished || signal.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.#listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Called once readiness is settled: keep only a tail, and either close the engine stream or, when
   * a log consumer still wants lines, keep it without holding the event loop open.
   */
  settle(): void {
    this.#limit = TAIL_LINES;
    if (this.#lines.length > TAIL_LINES) this.#lines.splice(0, this.#lines.length - TAIL_LINES);
    if (!this.#consumer) this.close();
    else {
      this.#unrefWanted = true;
      this.#source?.unref?.();
    }
  }

  close(): void {
    this.#closed = true;
    this.#source?.destroy();
    this.#source = undefined;
    this.#end();
  }
}
