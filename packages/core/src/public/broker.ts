/**
 * @berth/core/broker — the worker side of a run, without the engine client: the lease client, the
 * shared test helpers (createTestHelpers) and the error classes. Test workers import this entry and
 * skip loading the rest of core (about a second per worker on a busy machine).
 */

export * from '../errors.js';
export type { BrokerAddress } from '../services/broker.js';
export { acquireLease, BrokerError, releaseLease } from '../services/broker.js';
export type { Lease, ServiceDetailsBase } from '../services/definition.js';
export type { AnyServiceDetails, RunnerHooks, TestHelpers } from '../services/helpers.js';
export { createTestHelpers } from '../services/helpers.js';
export type { DatabaseDetails, DatabaseKind, ServiceKind, ServiceKinds } from '../services/kinds.js';
export type { Handoff } from '../services/start-services.js';
