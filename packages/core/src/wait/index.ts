/**
 * The wait strategies as users see them: `wait.ports()`, `wait.log('ready')`, `wait.all([...])`.
 * One namespace object so that `wait: wait.http('/health')` reads well in a spec.
 */

import { command } from './command.js';
import { all, any } from './composite.js';
import { exit } from './exit.js';
import { healthy } from './healthy.js';
import { http } from './http.js';
import { log } from './log.js';
import { ports } from './ports.js';
import { running } from './running.js';
import { resource } from './wait-on.js';

export const wait = {
  ports,
  log,
  http,
  healthy,
  command,
  exit,
  running,
  all,
  any,
  resource,
} as const;

export type { CommandOptions } from './command.js';
export type { CompositeOptions } from './composite.js';
export { type DefaultWaitInfo, defaultWaitStrategy } from './default.js';
export type { ExitOptions } from './exit.js';
export type { HealthyOptions } from './healthy.js';
export type { HttpOptions, StatusExpectation } from './http.js';
export type { LogOptions } from './log.js';
export type { PortsOptions } from './ports.js';
export { type ExitInfo, type RunWaitOptions, runWait } from './run.js';
export type { RunningOptions } from './running.js';
export type { WaitContext, WaitStrategy } from './strategy.js';
export type {
  ExposedPort,
  HealthState,
  LogLine,
  Protocol,
  TargetExecResult,
  TargetState,
  WaitTarget,
} from './target.js';
export type { ResourceOptions } from './wait-on.js';
