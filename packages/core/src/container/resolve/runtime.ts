/** How the container runs and stops: timeouts, healthcheck, wait strategy, log consumer, stop settings. */
import type { WaitStrategy } from '../../wait/strategy.js';
import type { LogLine } from '../../wait/target.js';
import type { HealthcheckSpec } from '../spec.js';
import { check, HEALTHCHECK_KEYS } from './keys.js';

/** Default for `startupTimeoutMs`, before BERTH_TIMEOUT_SCALE (start() applies the scale). */
export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;

export function resolveStartupTimeout(value: unknown): number {
  return check.timeoutMs(value, 'startupTimeoutMs', DEFAULT_STARTUP_TIMEOUT_MS);
}

export function resolveStopTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    check.fail('stopTimeoutSeconds', 'a whole number of seconds ≥ 0', value);
  }
  return value as number;
}

export function resolveHealthcheck(value: unknown): HealthcheckSpec | undefined {
  if (value === undefined) return undefined;
  const healthcheck = check.record(value, 'healthcheck');
  check.keys(healthcheck, HEALTHCHECK_KEYS, '`healthcheck`');
  const test = healthcheck.test;
  if (
    test !== undefined &&
    !(typeof test === 'string' && test !== '') &&
    !(Array.isArray(test) && test.length > 0 && test.every((t) => typeof t === 'string'))
  ) {
    check.fail('healthcheck.test', 'a command string or ["CMD", ...] / ["CMD-SHELL", "..."]', test);
  }
  for (const key of ['intervalMs', 'timeoutMs', 'startPeriodMs', 'startIntervalMs'] as const) {
    if (healthcheck[key] !== undefined) check.timeoutMs(healthcheck[key], `healthcheck.${key}`, 1);
  }
  if (healthcheck.retries !== undefined) check.integer(healthcheck.retries, 'healthcheck.retries', 0);
  return { ...(healthcheck as unknown as HealthcheckSpec) };
}

export function resolveWait(value: unknown): WaitStrategy | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || typeof (value as WaitStrategy).wait !== 'function')) {
    check.fail('wait', 'a wait strategy such as wait.ports() or wait.log("ready")', value);
  }
  return value as WaitStrategy | undefined;
}

export function resolveLogConsumer(value: unknown): ((line: LogLine) => void) | undefined {
  if (value !== undefined && typeof value !== 'function') check.fail('logConsumer', 'a function', value);
  return value as ((line: LogLine) => void) | undefined;
}
