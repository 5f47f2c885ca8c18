/**
 * `wait.running()`: the engine reports the container as running. The weakest readiness signal, used
 * by default only when a container has neither a health check nor an exposed port.
 */
import { WaitAttemptError } from '../errors.js';
import { poll } from './backoff.js';
import { throwIfStopped } from './healthy.js';
import type { WaitStrategy } from './strategy.js';

export interface RunningOptions {
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
}

export function running(options: RunningOptions = {}): WaitStrategy {
  const description = 'container running';
  return {
    description,
    timeoutMs: options.timeoutMs,
    async wait(target, context) {
      await poll(context, async (signal) => {
        const state = await target.inspect(signal);
        throwIfStopped(state, description);
        if (!state.running) throw new WaitAttemptError(`container is ${state.status}`);
      });
    },
  };
}
