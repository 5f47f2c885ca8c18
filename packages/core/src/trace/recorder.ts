/**
 * The run's timeline: one small recorder per process (JS realm) that keeps every span in memory.
 *
 *   const span = recorder().begin('create', 'container');   // on the current track (service:db)
 *   ...
 *   span.end({ strategy: 'log line /ready/' });
 *
 * It always records: a span is one small object pushed to an array (well under a microsecond), so
 * a failing service can show its timeline in the error (errors.ts `details.timeline`) whether or not
 * the run writes a trace. Only `BERTH_TRACE=path.json` writes the spans to a file (write.ts), and
 * only then do worker processes forward theirs to the broker (see broker.ts).
 *
 * A span belongs to a track: `service:<name>`, `worker:<id>` or `run`. Code that starts a service
 * runs inside `inTrack('service:db', ...)` (an AsyncLocalStorage), so the container, image, template
 * and pool code below it needs no parameter to say whose time it spends.
 *
 * Memory is bounded: past MAX_SPANS the recorder counts what it drops instead of keeping it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export type SpanCategory = 'run' | 'engine' | 'image' | 'container' | 'setup' | 'template' | 'pool' | 'lease' | 'worker';

export type SpanArgs = Record<string, string | number | boolean>;

export interface Span {
  name: string;
  cat: SpanCategory;
  /** `service:<name>`, `worker:<id>` or `run`. */
  track: string;
  /** Milliseconds since the Unix epoch (fractional): comparable across the run's processes. */
  start: number;
  end: number;
  pid: number;
  args?: SpanArgs;
}

export interface OpenSpan {
  /** Closes the span now; later calls do nothing. */
  end(args?: SpanArgs): void;
}

export const MAX_SPANS = 200_000;
const PID = process.pid;

/** Wall-clock milliseconds with sub-millisecond precision, the same clock in every process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

const tracks = new AsyncLocalStorage<string>();

/** Runs `fn` with `track` as the track of every span begun inside it (and its async continuations). */
export function inTrack<T>(track: string, fn: () => T): T {
  return tracks.run(track, fn);
}

/** The track spans begun here belong to: the innermost inTrack, else this process's own (see processTrack). */
export function currentTrack(): string {
  return tracks.getStore() ?? processTrack();
}

let ownTrack: string | undefined;

/**
 * A test worker's spans (a container a test starts) go on its worker's row, the main process's on
 * `run`. A worker is a process the runner numbered (VITEST_POOL_ID, JEST_WORKER_ID) or one that
 * `berth run` started (it has the broker's address).
 */
export function processTrack(env: Record<string, string | undefined> = process.env): string {
  if (env === process.env && ownTrack !== undefined) return ownTrack;
  const track = env.VITEST_POOL_ID || env.JEST_WORKER_ID || env.BERTH_BROKER_URL ? `worker:${workerName(env)}` : 'run';
  if (env === process.env) ownTrack = track;
  return track;
}

/** The worker on the timeline: the runner's worker number when it sets one, else the process id. */
export function workerName(env: Record<string, string | undefined> = process.env, pid = process.pid): string {
  const id = env.VITEST_POOL_ID || env.JEST_WORKER_ID;
  return id ? id : `pid ${pid}`;
}

export function serviceTrack(name: string): string {
  return `service:${name}`;
}

export class Recorder {
  /** Tells this recorder apart from others (a worker forwarding its own spans to itself is ignored). */
  readonly id = randomBytes(6).toString('hex');
  readonly #spans: Span[] = [];
  #dropped = 0;
  /** Index of the first span not yet forwarded to the broker (workers only). */
  #forwarded = 0;

  begin(name: string, cat: SpanCategory, args?: SpanArgs, track: string = currentTrack()): OpenSpan {
    const start = now();
    let open = true;
    return {
      end: (more) => {
        if (!open) return;
        open = false;
        const span: Span = { name, cat, track, start, end: now(), pid: PID };
        // Copied: a caller may go on changing the object it passed to end().
        const merged = more ? { ...args, ...more } : args;
        if (merged) span.args = merged;
        this.#keep(span);
      },
    };
  }

  /** Adds a finished span (pid defaults to this process). */
  record(span: Omit<Span, 'pid'> & { pid?: number }): void {
    this.#keep({ ...span, pid: span.pid ?? PID });
  }

  #keep(span: Span): void {
    if (this.#spans.length >= MAX_SPANS) this.#dropped += 1;
    else this.#spans.push(span);
  }

  /** Spans another process recorded (forwarded through the broker). */
  add(from: string, spans: readonly Span[]): void {
    if (from === this.id) return;
    for (const span of spans) if (isSpan(span)) this.record(span);
  }

  spans(): readonly Span[] {
    return this.#spans;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Spans recorded since the last call, at most `max` of them (what a worker sends with its next broker request). */
  takeUnforwarded(max: number): Span[] {
    const taken = this.#spans.slice(this.#forwarded, this.#forwarded + max);
    this.#forwarded += taken.length;
    return taken;
  }
}

const HOLDER = Symbol.for('dev.berth.trace.recorder');

/** This realm's recorder; two copies of core loaded in one process share it. */
export function recorder(): Recorder {
  const holder = globalThis as { [HOLDER]?: Recorder };
  holder[HOLDER] ??= new Recorder();
  return holder[HOLDER];
}

const CATEGORIES: ReadonlySet<string> = new Set(['run', 'engine', 'image', 'container', 'setup', 'template', 'pool', 'lease', 'worker']);

/** A span as it arrives over the wire: checked field by field, so a bad request cannot corrupt the trace. */
export function isSpan(value: unknown): value is Span {
  const span = value as Partial<Span> | null;
  return (
    typeof span === 'object' &&
    span !== null &&
    typeof span.name === 'string' &&
    typeof span.cat === 'string' &&
    CATEGORIES.has(span.cat) &&
    typeof span.track === 'string' &&
    typeof span.start === 'number' &&
    typeof span.end === 'number' &&
    span.end >= span.start &&
    typeof span.pid === 'number' &&
    (span.args === undefined || (typeof span.args === 'object' && span.args !== null))
  );
}

/** Runs `fn` as one span on the current track; a rejection ends the span marked `failed`. */
export async function traced<T>(name: string, cat: SpanCategory, args: SpanArgs | undefined, fn: () => Promise<T>): Promise<T> {
  const span = recorder().begin(name, cat, args);
  try {
    const result = await fn();
    span.end();
    return result;
  } catch (error) {
    span.end({ failed: true });
    throw error;
  }
}
