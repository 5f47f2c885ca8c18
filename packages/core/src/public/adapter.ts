/**
 * @berth/core/adapter — what runner adapters (@berth/vitest, @berth/jest, or your own) build on: the
 * run lifecycle for the runner's main process (config discovery and loading, start once, hand-off,
 * env, teardown, signals) and the test helpers for its workers, created over a small RunnerHooks
 * seam. Tests import their helpers from the adapter, never from here.
 *
 * Module authors: IsolationPool is the one shape of an isolation pool (warm, bounded, self-healing).
 *
 * Workers that must stay light (no engine client) import the worker half from @berth/core/broker.
 */

export type { Broker, BrokerAddress, LeaseRequester } from '../services/broker.js';
export { acquireLease, releaseLease, startBroker } from '../services/broker.js';
export { validateRunConfig } from '../services/config.js';
export type { ConfiguredRun, ConfiguredRunOptions } from '../services/configured-run.js';
export { startConfiguredRun } from '../services/configured-run.js';
export type { ConfigSource, ImportModule, LoadedRunConfig } from '../services/discover.js';
export { CONFIG_FILE_NAMES, findConfigFile, loadRunConfig, nativeImport } from '../services/discover.js';
export type { AnyServiceDetails, RunnerHooks, TestHelpers } from '../services/helpers.js';
export { createTestHelpers } from '../services/helpers.js';
export type { PoolOptions, PoolStats, SlotOps } from '../services/pool.js';
export { IsolationPool } from '../services/pool.js';
export type { RunOptions, StartedRun } from '../services/run.js';
export { applyEnv, startRun } from '../services/run.js';
export { BROKER_TOKEN_VARIABLE, BROKER_URL_VARIABLE, readRunVariables, runVariables, SERVICES_VARIABLE } from '../services/run-env.js';
export { checkSerialisable } from '../services/serialisable.js';
export type { Handoff, RunningServices, StartServicesOptions } from '../services/start-services.js';
export { startServices } from '../services/start-services.js';
export type { Step } from '../services/steps.js';
export { runSteps } from '../services/steps.js';
