/**
 * `wait.healthy()`: the container's health check (image HEALTHCHECK or spec `healthcheck`) reports
 * healthy. "unhealthy" fails at once: the engine only reports it after the check's own retries are
 * used up, so waiting longer would only hide the failure.
 */
import { ContainerExitedError, WaitAttemptError, WaitFailedError } from '../errors.js';
import { poll, tail } from './backoff.js';
import type { WaitStrategy } from './strategy.js';
import type { HealthState, TargetState } from './target.js';

export interface HealthyOptions {
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
}

export function healthy(options: HealthyOptions = {}): WaitStrategy {
  const description = 'health check healthy';
  return {
    description,
    timeoutMs: options.timeoutMs,
    async wait(target, context) {
      await poll(context, async (signal) => {
        const state = await target.inspect(signal);
        throwIfStopped(state, description);
        const health = state.health;
        if (!health || health.status === 'none') {
          throw new WaitFailedError('wait.healthy(): the container has no health check', {
            hint: 'add `healthcheck` to the spec, or wait for something else (wait.ports(), wait.log(...))',
          });
        }
        if (health.status === 'unhealthy') {
          throw new WaitFailedError(`health check reports unhealthy${lastProbe(health, ': ')}`, {
            details: { healthLog: health.log },
          });
        }
        if (health.status !== 'healthy') {
          throw new WaitAttemptError(`health: ${health.status}${lastProbe(health, ', last probe: ')}`);
        }
      });
    },
  };
}

/** Inspect-based strategies stop at once when the container is no longer running. */
export function throwIfStopped(state: TargetState, description: string): void {
  if (state.status !== 'exited' && state.status !== 'dead') return;
  const how = state.oomKilled ? 'was OOM-killed' : `exited with code ${state.exitCode}`;
  throw new ContainerExitedError(`container ${how} while waiting for ${description}`, {
    details: { exitCode: state.exitCode, oomKilled: state.oomKilled },
  });
}

function lastProbe(health: HealthState, prefix: string): string {
  const probe = health.log.at(-1);
  if (!probe) return '';
  const output = tail(probe.output, 3, 300);
  return `${prefix}exit code ${probe.exitCode}${output ? `: ${output}` : ''}`;
}
