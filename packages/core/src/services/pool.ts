/**
 * The one shape of every isolation pool (postgres and mysql fresh databases, redis logical
 * databases, nats lease accounts, rabbitmq vhosts): warm, bounded, self-healing.
 *
 * A module gives the pool three operations on its slots (`SlotOps`) and a few numbers; the pool does
 * the rest:
 *
 * - warm: it keeps slots ready ahead of demand — at least `min`, four per test worker, as many as
 *   were ever in use at once (observed demand), and what the recent request rate uses up while
 *   creates run — within `max` slots in existence;
 * - give back at once: `release()` returns immediately; resetting (FLUSHDB) or dropping (DROP
 *   DATABASE) happens in the background, never on the test's critical path;
 * - self-healing: a slot whose reset fails is tried once more, then retired and replaced, and the
 *   pool remembers what happened;
 * - never hangs: a request not served within `acquireTimeoutMs` fails with a PoolTimeoutError naming
 *   the service, the pool's size and what its slots are doing; a failed create fails the waiting
 *   requests with the server's error (no silent retry loop against a server that is gone).
 */
import { scaledTimeout } from '../config.js';
import { AbortError, BerthError, ContainerNotRunningError, ModuleError, PoolTimeoutError } from '../errors.js';
import { debug } from '../log.js';

import { currentTrack, recorder } from '../trace/recorder.js';

const log = debug('pool');

export interface SlotOps<S> {
  /** Makes a new slot ready to hand out (CREATE DATABASE ... TEMPLATE; pick a redis db and flush it). */
  create(signal: AbortSignal): Promise<S>;
  /**
   * Makes a used slot ready for its next holder: `'reuse'` when it was reset in place (FLUSHDB) and
   * can be handed out again, `'gone'` when it was dropped (DROP DATABASE); the pool creates a new one
   * when it needs one.
   */
  recycle(slot: S, signal: AbortSignal): Promise<'reuse' | 'gone'>;
  /** Lets go of a slot whose recycle failed twice (best effort: failures are only logged). */
  retire?(slot: S): Promise<void>;
  /** The slot in messages: "berth_fresh_3", "db 4". */
  describe(slot: S): string;
}

export interface PoolOptions {
  /** Names the pool in errors: "fresh databases of postgres db (container berth-db-x1)". */
  service: string;
  /** Slots kept ready at least. */
  min: number;
  /** Slots that may exist at once (ready, handed out, being reset or created). */
  max: number;
  /** Creates running at once (resets are not bounded here: the module's own connections bound them). */
  concurrency: number;
  /** How long a request waits for a slot before it fails. */
  acquireTimeoutMs: number;
  /** Test workers of the run: the pool keeps four slots ready per worker. */
  workers?: number | undefined;
}

/** What the pool's slots are doing; part of every timeout error. */
export interface PoolStats {
  max: number;
  ready: number;
  leased: number;
  recycling: number;
  creating: number;
  waiting: number;
  /** Slots given up on after a reset failed twice (each was replaced). */
  retired: number;
  /** The most recent failures, newest last. */
  failures: string[];
}

interface Waiter<S> {
  resolve(slot: S): void;
  reject(error: unknown): void;
}

const MAX_FAILURES_KEPT = 5;
const DEMAND_WINDOW_MS = 2_000;
/** The shortest time a request rate is taken over, so that two requests in a row do not read as a flood. */
const MIN_RATE_SPAN_MS = 250;
/**
 * Slots kept ready per test worker. Measured (bench suite case: 2 workers, short tests, postgres
 * clones of 100–150 ms): with 2 per worker most tests waited for a clone (per-test medians 59 and
 * 74 ms), with 4 they did not (10 and 12 ms).
 */
const READY_PER_WORKER = 4;

export class IsolationPool<S> {
  readonly #ops: SlotOps<S>;
  readonly #options: PoolOptions;
  readonly #ready: S[] = [];
  readonly #leased = new Set<S>();
  readonly #waiters: Waiter<S>[] = [];
  readonly #running = new Set<Promise<unknown>>();
  readonly #stop = new AbortController();
  readonly #failures: string[] = [];
  #creating = 0;
  #recycling = 0;
  #retired = 0;
  #peak = 0;
  /** When recent requests came (a 2 s window): the demand rate. */
  readonly #recent: number[] = [];
  /** How long a create takes, smoothed (0 until one has finished). */
  #createMs = 0;
  /** When the first create began: until one finishes, how long it has run is the best guess. */
  #firstCreateBegan: number | undefined;
  #paused = false;
  #closed: BerthError | undefined;
  /** The run timeline's track of the service that made the pool (fills run later, in other contexts). */
  readonly #timelineTrack = currentTrack();
  #concurrency: number;

  constructor(ops: SlotOps<S>, options: PoolOptions) {
    this.#ops = ops;
    this.#options = options;
    this.#concurrency = options.concurrency;
  }

  /**
   * Changes how many creates run at once, from now on. A module calls it once it knows
   * its server (postgres before 12 clones faster with many at once: each clone mostly sleeps).
   */
  setConcurrency(concurrency: number): void {
    this.#concurrency = Math.max(1, Math.floor(concurrency));
    this.#fill();
  }

  /** Starts making slots in the background. */
  warm(): void {
    this.#fill();
  }

  /** A slot nobody else holds, yours until `release(slot)`. */
  acquire(signal?: AbortSignal): Promise<S> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (signal?.aborted)
      return Promise.reject(new AbortError(`request for ${this.#options.service} was aborted`, { cause: signal.reason }));
    this.#paused = false;
    this.#noteRequest();
    const ready = this.#ready.shift();
    if (ready !== undefined) {
      this.#lease(ready);
      this.#fill();
      return Promise.resolve(ready);
    }
    // Nothing ready: this request waits for a create or a reset (a pool miss on the timeline).
    const miss = recorder().begin('miss', 'pool', undefined, this.#timelineTrack);
    return new Promise<S>((resolve, reject) => {
      const began = performance.now();
      const done = () => {
        miss.end();
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
      };
      const onAbort = () => {
        done();
        reject(new AbortError(`request for ${this.#options.service} was aborted`, { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        done();
        reject(this.#timeoutError(performance.now() - began));
      }, scaledTimeout(this.#options.acquireTimeoutMs));
      // Ref'd: the caller awaits this; a script whose only pending work is this wait must not end
      // silently (Node exits 13 with the request unsettled) before the slot or the timeout comes.
      const waiter: Waiter<S> = {
        resolve: (slot) => {
          done();
          resolve(slot);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#notePeak();
      this.#fill();
    });
  }

  /** Gives a slot back; returns at once, the reset or drop runs in the background. Idempotent. */
  release(slot: S): void {
    if (!this.#leased.delete(slot)) return;
    this.#recycling += 1;
    this.#track(this.#recycle(slot));
  }

  stats(): PoolStats {
    return {
      max: this.#options.max,
      ready: this.#ready.length,
      leased: this.#leased.size,
      recycling: this.#recycling,
      creating: this.#creating,
      waiting: this.#waiters.length,
      retired: this.#retired,
      failures: [...this.#failures],
    };
  }

  /**
   * Forgets the ready slots (the server lost them: a restart re-initialised its data); the pool
   * makes new ones as needed. Returns what it forgot.
   */
  discardReady(): S[] {
    const gone = this.#ready.splice(0);
    this.#fill();
    return gone;
  }

  /** Slots handed out and not yet released. */
  get leased(): readonly S[] {
    return [...this.#leased];
  }

  /**
   * Refuses new requests and fails the waiting ones with `reason` (default: the service was
   * stopped), aborts the background work and waits for it to settle. Idempotent.
   */
  async close(reason?: BerthError): Promise<void> {
    if (!this.#closed) {
      this.#closed =
        reason ??
        new ContainerNotRunningError(`cannot get a slot of ${this.#options.service}: the service was stopped`, {
          hint: 'fresh slices are available between the start and the stop of the service',
        });
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closed);
      this.#stop.abort(this.#closed);
    }
    await Promise.allSettled([...this.#running]);
  }

  async #recycle(slot: S): Promise<void> {
    const span = recorder().begin('reset', 'pool', { slot: this.#ops.describe(slot) }, this.#timelineTrack);
    let outcome: 'reuse' | 'gone' | 'retired' = 'retired';
    for (let attempt = 1; attempt <= 2 && !this.#closed; attempt += 1) {
      try {
        outcome = await this.#ops.recycle(slot, this.#stop.signal);
        break;
      } catch (error) {
        this.#noteFailure(`resetting ${this.#ops.describe(slot)} failed (attempt ${attempt} of 2): ${messageOf(error)}`);
      }
    }
    this.#recycling -= 1;
    span.end({ outcome });
    if (this.#closed) return;
    if (outcome === 'reuse') {
      this.#deliver(slot);
    } else if (outcome === 'retired') {
      this.#retired += 1;
      log('%s: retired %s, a new slot replaces it', this.#options.service, this.#ops.describe(slot));
      await this.#ops.retire?.(slot).catch((error: unknown) => log('retiring %s failed: %s', this.#ops.describe(slot), messageOf(error)));
    }
    this.#fill();
  }

  #fill(): void {
    while (!this.#closed && this.#creating < this.#concurrency && this.#wanted()) {
      this.#creating += 1;
      const began = performance.now();
      this.#firstCreateBegan ??= began;
      const span = recorder().begin('fill', 'pool', undefined, this.#timelineTrack);
      const made = this.#ops.create(this.#stop.signal).then(
        (slot) => {
          span.end({ slot: this.#ops.describe(slot) });
          this.#creating -= 1;
          const took = performance.now() - began;
          this.#createMs = this.#createMs === 0 ? took : 0.7 * this.#createMs + 0.3 * took;
          if (this.#closed) {
            // Returned, so the tracked work (and close()) waits for it too.
            return this.#ops.recycle(slot, this.#stop.signal).then(
              () => undefined,
              () => undefined,
            );
          }
          this.#deliver(slot);
          this.#fill();
        },
        (error: unknown) => {
          span.end({ failed: true });
          this.#creating -= 1;
          this.#failCreate(error);
        },
      );
      this.#track(made);
    }
  }

  /** Another slot is needed (for a waiter, or to keep the warm target) and one may exist. */
  #wanted(): boolean {
    const exist = this.#ready.length + this.#leased.size + this.#recycling + this.#creating;
    if (exist >= this.#options.max) return false;
    const coming = this.#ready.length + this.#creating;
    if (coming < this.#waiters.length) return true;
    return !this.#paused && coming < this.#target() + this.#waiters.length;
  }

  /**
   * Slots to keep ready: at least `min`, four per worker, the most ever in use at once (bounded to
   * twice the first two, so one burst does not keep dozens of slots made for good), and twice what
   * the recent request rate consumes while one create runs. The last is bounded by `max` only: it
   * follows the last two seconds, so it falls back by itself once requests slow down. Twice, because
   * at exactly the rate supply never gets ahead of clients that wait for it: on postgres 10 (creates
   * of ~250 ms, 32 at once) the median handout in a tight loop was 45–47 ms at 1×, 19–20 ms at 2×.
   */
  #target(): number {
    const base = Math.max(this.#options.min, (this.#options.workers ?? 0) * READY_PER_WORKER);
    const now = performance.now();
    while (this.#recent.length > 0 && (this.#recent[0] as number) < now - DEMAND_WINDOW_MS) this.#recent.shift();
    // The rate over the time requests have been coming, not the whole window (in a run's first two
    // seconds the window is mostly empty and the rate would read low just when the pool is filling),
    // and until a create has finished, the time the first one has been running as its cost. Measured
    // on postgres 10, quick bench (40 requests in a tight loop, median handout): 76–83 ms without
    // either, 31–35 ms with the span, 6–26 ms with both.
    const span = Math.min(DEMAND_WINDOW_MS, Math.max(MIN_RATE_SPAN_MS, now - (this.#recent[0] ?? now)));
    const running = this.#creating > 0 && this.#firstCreateBegan !== undefined ? now - this.#firstCreateBegan : 0;
    const createMs = this.#createMs || running;
    const inFlight = Math.ceil(((2 * this.#recent.length) / span) * createMs);
    const peak = Math.min(this.#peak, Math.max(2 * base, 1));
    return Math.max(base, peak, Math.min(inFlight + (this.#options.workers ?? 0), this.#options.max));
  }

  #noteRequest(): void {
    this.#recent.push(performance.now());
    if (this.#recent.length > 1_000) this.#recent.shift();
  }

  #lease(slot: S): void {
    this.#leased.add(slot);
    this.#notePeak();
  }

  #notePeak(): void {
    this.#peak = Math.max(this.#peak, Math.min(this.#leased.size + this.#waiters.length, this.#options.max));
  }

  #deliver(slot: S): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#lease(slot);
      waiter.resolve(slot);
    } else {
      this.#ready.push(slot);
    }
  }

  #failCreate(error: unknown): void {
    this.#paused = true;
    this.#noteFailure(`creating a slot failed: ${messageOf(error)}`);
    if (this.#closed) return;
    const reason =
      error instanceof AbortError
        ? error
        : new ModuleError(`could not make a fresh slot of ${this.#options.service}: ${messageOf(error)}`, {
            cause: error,
            // A berth error from the module knows better what to do than the generic question.
            hint: (error instanceof BerthError && error.hint) || 'is the service still running? The error above is its own answer.',
            details: { service: this.#options.service },
          });
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason);
  }

  #noteFailure(message: string): void {
    log('%s: %s', this.#options.service, message);
    this.#failures.push(message);
    if (this.#failures.length > MAX_FAILURES_KEPT) this.#failures.shift();
  }

  #timeoutError(elapsedMs: number): PoolTimeoutError {
    const s = this.stats();
    const doing = [
      `${s.ready} ready`,
      `${s.leased} handed out`,
      `${s.recycling} being reset`,
      `${s.creating} being created`,
      `${s.retired} retired after failed resets`,
    ].join(', ');
    const last = s.failures.at(-1);
    return new PoolTimeoutError(
      `no slot of ${this.#options.service} within ${scaledTimeout(this.#options.acquireTimeoutMs)} ms (pool of at most ${s.max}: ${doing})${last ? `; last failure: ${last}` : ''}`,
      {
        hint:
          s.leased >= s.max
            ? 'every slot is handed out: tests hold more at once than the pool allows (give them back, or raise the pool size)'
            : 'slots are not coming back: see the failures above, or the service may be overloaded',
        details: { service: this.#options.service, elapsedMs, pool: { ...s } },
      },
    );
  }

  #track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#running.add(settled);
    void settled.then(() => this.#running.delete(settled));
  }
}

/**
 * The name a module's pool goes by in errors: "fresh databases of service db (postgres container
 * berth-db-x1)", or "fresh databases of postgres container berth-db-x1" outside a runner.
 */
export function poolName(slots: string, kind: string, containerName: string, service?: string): string {
  const container = `${kind} container ${containerName}`;
  return `${slots} of ${service ? `service ${service} (${container})` : container}`;
}

/** One line: a berth error's summary (its message also carries the hint and details), else the message. */
function messageOf(error: unknown): string {
  if (error instanceof BerthError) return error.summary;
  return error instanceof Error ? error.message : String(error);
}
