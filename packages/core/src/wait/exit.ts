/**
 * `wait.exit(code)`: for one-shot containers (migrations, seeders) — ready means the container has
 * stopped with the expected exit code. The runner does not treat the exit as a failure here.
 */
import { InvalidSpecError, WaitAttemptError, WaitFailedError } from '../errors.js';
import { poll } from './backoff.js';
import type { WaitStrategy } from './strategy.js';

export interface ExitOptions {
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
}

export function exit(code = 0, options: ExitOptions = {}): WaitStrategy {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new InvalidSpecError(`expected the exit code to be 0–255, got ${String(code)}`);
  }
  const description = `exit with code ${code}`;
  return {
    description,
    timeoutMs: options.timeoutMs,
    expectsExit: true,
    async wait(target, context) {
      await poll(context, async (signal) => {
        const state = await target.inspect(signal);
        if (state.status !== 'exited' && state.status !== 'dead') {
          throw new WaitAttemptError(`container is ${state.status}`);
        }
        if (state.exitCode === code && !state.oomKilled) return;
        const how = state.oomKilled ? 'was OOM-killed' : `exited with code ${state.exitCode}`;
        throw new WaitFailedError(`container ${how}, expected exit code ${code}`, {
          details: { exitCode: state.exitCode, oomKilled: state.oomKilled },
        });
      });
    },
  };
}
