/**
 * @berth/core/nats — a NATS service with an account of its own per test. No nats client
 * dependency: berth speaks the few protocol lines it needs itself.
 */
export type { NatsDetails } from '../modules/nats/details.js';
export type { NatsAuth, NatsOptions } from '../modules/nats/options.js';
export { nats } from '../modules/nats/service.js';
export type { FreshNatsAccount, StartNatsOptions } from '../modules/nats/started.js';
export { StartedNats, startNats } from '../modules/nats/started.js';
// What the service factory returns, nameable from this entry alone (declaration emit of a config).
export type { ServiceDefinition, ServiceDetailsBase } from '../services/definition.js';
