/**
 * The link between the berth test environment and the `@berth/jest` module a test imports.
 *
 * They live in two worlds: the environment is loaded once per worker by Node itself, while a test's
 * imports are evaluated afresh for every test file inside jest's sandbox. The environment knows the
 * test lifecycle (which test runs, when it is done) and can load @berth/core once per worker; the
 * test module knows neither. So the environment puts this object on the sandbox's global object under
 * a `Symbol.for` key, and the test module calls it.
 */
import type { ServiceDetailsBase } from '@berth/core';
import type { LeaseScope } from './environment/leases.js';

export const BRIDGE_KEY = Symbol.for('dev.berth.jest.bridge');

export interface ErrorRequest {
  message: string;
  hint?: string;
  service?: string;
}

export interface Bridge {
  /** A slice of `service`; `per` undefined means: this test if one is running, else this file. */
  acquire(service: string, per: LeaseScope | undefined): Promise<ServiceDetailsBase>;
  /** A berth ConfigError, made from the worker's @berth/core. */
  configError(request: ErrorRequest): Error;
}

export function findBridge(global: object = globalThis): Bridge | undefined {
  return (global as { [BRIDGE_KEY]?: Bridge })[BRIDGE_KEY];
}
