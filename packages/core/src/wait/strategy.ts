/**
 * The contract every wait strategy fulfils. The runner (run.ts) owns deadlines, the AbortSignal, and
 * failing fast when the container exits; a strategy only looks for readiness and reports attempts.
 */
import type { WaitTarget } from './target.js';

export interface WaitContext {
  /** Fires on timeout, container exit, or the caller's abort. Pass it to every async call. */
  signal: AbortSignal;
  /** `performance.now()` value after which the strategy has failed. */
  deadline: number;
  /** Records one readiness check; the timeout error reports the count and the last error. */
  attempt(error?: unknown): void;
}

export interface WaitStrategy {
  /** What is being waited for, as logs and errors print it: "log line /ready/ ×2". */
  readonly description: string;
  /** Overrides the start's timeout for this strategy (before BERTH_TIMEOUT_SCALE). */
  readonly timeoutMs?: number;
  /**
   * True for strategies that expect the container to stop (the `exit` strategy); the runner then
   * does not treat an exit as a failure.
   */
  readonly expectsExit?: boolean;
  /** Resolves when ready; rejects with a WaitFailedError when readiness can never come. */
  wait(target: WaitTarget, context: WaitContext): Promise<void>;
}
