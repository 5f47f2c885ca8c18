/**
 * @berth/core/mysql — a mysql or mariadb service with a fresh database per test. Needs the `mysql2`
 * driver (an optional peer dependency) for fresh databases and setup hooks.
 */
export type { MysqlDetails } from '../modules/mysql/details.js';
export type { MysqlOptions, MysqlSetupContext } from '../modules/mysql/options.js';
export { mysql } from '../modules/mysql/service.js';
export type { FreshMysqlDatabase, StartMysqlOptions } from '../modules/mysql/started.js';
export { StartedMysql, startMysql } from '../modules/mysql/started.js';
// What the service factory returns, nameable from this entry alone (declaration emit of a config).
export type { ServiceDefinition, ServiceDetailsBase } from '../services/definition.js';
