/**
 * @berth/core/broker — the worker-side lease client and the error classes, without the engine
 * client. Test workers that only ask the run's broker for fresh databases import this entry and
 * skip loading dockerode and the rest of core (about a second per worker on a busy machine).
 */

export * from '../errors.js';
export type { BrokerAddress } from '../services/broker.js';
export { acquireLease, BrokerError, releaseLease } from '../services/broker.js';
export type { Lease, ServiceDetailsBase } from '../services/definition.js';
