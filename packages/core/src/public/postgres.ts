/**
 * @berth/core/postgres — a postgres service with a fresh database per test. Needs the `pg` driver
 * (an optional peer dependency) for fresh databases, snapshots and setup hooks.
 */
export type { PostgresDetails } from '../modules/postgres/details.js';
export type { PostgresOptions, PostgresSetupContext } from '../modules/postgres/options.js';
export { postgres } from '../modules/postgres/service.js';
export type { FreshDatabase, StartPostgresOptions } from '../modules/postgres/started.js';
export { StartedPostgres, startPostgres } from '../modules/postgres/started.js';
// What the service factory returns, nameable from this entry alone (declaration emit of a config).
export type { ServiceDefinition, ServiceDetailsBase } from '../services/definition.js';
