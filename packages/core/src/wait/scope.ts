/**
 * Small pieces shared by the runner (run.ts) and the composites (composite.ts): counting attempts,
 * a cancellable timer, and racing a strategy against its signal so a strategy that
 * forgets to honour the signal still cannot hold the caller past its deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from './backoff.js';

export interface AttemptLog {
  /** Readiness checks made so far. */
  count: number;
  /** The last "not yet" reason a check reported, if any. */
  last: unknown;
  /** Records one check; pass the reason when it saw "not yet". */
  record(error?: unknown): void;
}

export function attemptLog(forward?: (error?: unknown) => void): AttemptLog {
  const log: AttemptLog = {
    count: 0,
    last: undefined,
    record(error?: unknown) {
      log.count += 1;
      if (error !== undefined) log.last = error;
      forward?.(error);
    },
  };
  return log;
}

/** "3 attempts, last: connect ECONNREFUSED 127.0.0.1:5432" — for timeout messages. */
export function attemptSummary(log: AttemptLog): string {
  const count = `${log.count} attempt${log.count === 1 ? '' : 's'}`;
  return log.last === undefined ? count : `${count}, last: ${describeError(log.last)}`;
}

/** Runs `action` after `ms`. Returns a function that cancels the timer; call it when the guarded
 * work ends so no timer outlives it. */
export function after(ms: number, action: () => void): () => void {
  const timer = new AbortController();
  sleep(ms, undefined, { signal: timer.signal }).then(action, () => {});
  return () => timer.abort();
}

/**
 * Settles like `work`, except that it rejects with the signal's reason as soon as `signal` fires.
 * A rejection of `work` that arrives after that is swallowed (it was caused by the abort).
 */
export function raceSignal<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
