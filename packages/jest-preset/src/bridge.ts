/**
 * The link between the berth test environment and the `@berth/jest` module a test imports.
 *
 * They live in two worlds: the environment is loaded once per worker by Node itself, while a test's
 * imports are evaluated afresh for every test file inside jest's sandbox. The environment knows the
 * test lifecycle (which test runs, when it is done); the test module does not. So the environment
 * puts this object on the sandbox's global object under a `Symbol.for` key, and the test module's
 * helpers (core's, see services.ts) call it.
 */

export const BRIDGE_KEY = Symbol.for('dev.berth.jest.bridge');

export interface ErrorRequest {
  message: string;
  hint?: string;
  service?: string;
}

export interface Bridge {
  /**
   * Runs `giveBack` when the running test is done (after its afterEach hooks); with concurrent
   * tests in the file, when the file is done. False when no test is running.
   */
  onTestEnd(giveBack: () => Promise<void>): boolean;
  /** A berth ConfigError, made from the worker's @berth/core. */
  configError(request: ErrorRequest): Error;
}

export function findBridge(global: object = globalThis): Bridge | undefined {
  return (global as { [BRIDGE_KEY]?: Bridge })[BRIDGE_KEY];
}
