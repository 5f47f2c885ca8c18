/**
 * The polling loop shared by every strategy that has to ask repeatedly (ports, http, command,
 * inspect-based ones). Delays start small so a service that is ready almost at once is seen almost
 * at once, then grow so a slow one is not hammered: 10, 15, 23, 34, 51, 76, 100, 100, ... ms.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { scaledTimeout } from '../config.js';
import { BerthError, ContainerNotRunningError, EngineError, EngineUnreachableError, WaitAttemptError } from '../errors.js';
import type { WaitContext } from './strategy.js';

export interface BackoffOptions {
  /** First delay between checks. Default 10 ms. */
  initialMs?: number;
  /** Largest delay between checks. Default 100 ms. */
  maxMs?: number;
  /** Growth per check. Default 1.5. */
  factor?: number;
}

/** The delay to use after `previous` (undefined before the first wait). */
export function nextDelay(previous: number | undefined, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 10;
  const max = options.maxMs ?? 100;
  if (previous === undefined) return Math.min(initial, max);
  return Math.min(Math.round(previous * (options.factor ?? 1.5)), max);
}

/**
 * Whether an error thrown by a check ends the wait. Any BerthError other than WaitAttemptError means
 * "this can never become ready" (unhealthy, wrong exit code, port not exposed, missing peer);
 * everything else (ECONNREFUSED, a 503, an exec hiccup) means "not yet". Engine errors of a probe
 * (an exec into a container that just exited, say) are hiccups too: whether the container is gone
 * for good is the exit watcher's call, which then stops the wait with the exit code and logs.
 */
export function isTerminal(error: unknown): boolean {
  if (error instanceof EngineError || error instanceof ContainerNotRunningError || error instanceof EngineUnreachableError) return false;
  return error instanceof BerthError && !(error instanceof WaitAttemptError);
}

/**
 * Runs `check` until it resolves, sleeping with backoff between tries. A check that throws a
 * non-terminal error records it as an attempt and is tried again; a terminal error is rethrown at
 * once. Stops with the signal's reason when the context's signal fires (timeout, exit, abort).
 */
export async function poll<T>(context: WaitContext, check: (signal: AbortSignal) => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const { signal } = context;
  let delay: number | undefined;
  for (;;) {
    signal.throwIfAborted();
    try {
      const value = await check(signal);
      context.attempt();
      return value;
    } catch (error) {
      signal.throwIfAborted();
      if (isTerminal(error)) throw error;
      context.attempt(error);
    }
    delay = nextDelay(delay, options);
    // Never sleep past the deadline: the runner's timeout fires then anyway.
    const left = context.deadline - performance.now();
    await pause(Math.max(0, Math.min(delay, left)), signal);
  }
}

/** Sleeps `ms`; when `signal` fires, rejects with the signal's reason (not a generic AbortError). */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
}

/**
 * Runs `fn` with a signal that fires when `parent` does or after `ms` (scaled by
 * BERTH_TIMEOUT_SCALE: one attempt on a loaded machine is slower too), whichever comes first. The
 * caller's deadline stays the outer bound through `parent`. The timer is cancelled as soon as `fn`
 * settles, so nothing is left pending. When the time limit is what fired, the signal's reason is a
 * WaitAttemptError saying `what` got no answer in time.
 */
export async function withTimeLimit<T>(
  parent: AbortSignal,
  unscaledMs: number,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ms = scaledTimeout(unscaledMs);
  const limit = new AbortController();
  const timer = new AbortController();
  sleep(ms, undefined, { signal: timer.signal }).then(
    () => limit.abort(new WaitAttemptError(`${what}: no answer within ${ms} ms`)),
    () => {},
  );
  try {
    return await fn(AbortSignal.any([parent, limit.signal]));
  } catch (error) {
    // Report the time limit, not the generic "operation was aborted" it caused.
    if (limit.signal.aborted && !parent.aborted) throw limit.signal.reason;
    throw error;
  } finally {
    timer.abort();
  }
}

/** The last `maxLines` lines of `text`, at most `maxChars` characters, for error messages. */
export function tail(text: string, maxLines = 5, maxChars = 400): string {
  const lines = text.trimEnd().split('\n').slice(-maxLines).join('\n');
  return lines.length > maxChars ? `…${lines.slice(-maxChars)}` : lines;
}

/** A short, one-line description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof BerthError) return error.summary;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
