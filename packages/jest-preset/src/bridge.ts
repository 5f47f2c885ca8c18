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

/** How the test that held a slice ended (core's TestOutcome; plain data across the two worlds). */
export interface BridgeOutcome {
  failed: boolean;
  test: string;
}

/** Gives a slice back; resolves to what the run kept instead (core's KeptSlice), if it did. */
export type BridgeGiveBack = (outcome?: BridgeOutcome) => Promise<unknown>;

export interface Bridge {
  /**
   * Runs `giveBack` when the running test is done (after its afterEach hooks), with how it ended;
   * with concurrent tests in the file, when the file is done (no outcome: nothing is kept for
   * `keep: 'failed'`). False when no test is running.
   */
  onTestEnd(giveBack: BridgeGiveBack): boolean;
  /** A berth ConfigError, made from the worker's @berth/core. */
  configError(request: ErrorRequest): Error;
}

export function findBridge(global: object = globalThis): Bridge | undefined {
  return (global as { [BRIDGE_KEY]?: Bridge })[BRIDGE_KEY];
}
