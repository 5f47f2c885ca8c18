/**
 * @berth/core/rabbitmq — a RabbitMQ service with a fresh vhost per test. No AMQP client
 * dependency: berth opens the one connection its readiness check needs itself.
 */
export type { RabbitmqDetails } from '../modules/rabbitmq/details.js';
export type { RabbitmqOptions } from '../modules/rabbitmq/options.js';
export { rabbitmq } from '../modules/rabbitmq/service.js';
export type { FreshVhost, StartRabbitmqOptions } from '../modules/rabbitmq/started.js';
export { StartedRabbitmq, startRabbitmq } from '../modules/rabbitmq/started.js';
// What the service factory returns, nameable from this entry alone (declaration emit of a config).
export type { ServiceDefinition, ServiceDetailsBase } from '../services/definition.js';
