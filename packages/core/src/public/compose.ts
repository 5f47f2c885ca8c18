/**
 * @berth/core/compose — a docker-compose file started as a test environment by berth itself (no
 * compose CLI): typed errors naming file, line and key; berth's waits and session cleanup.
 */

export type { ComposeDefinition, ComposeDetails, ComposeServiceOptions } from '../compose/definition.js';
export { compose } from '../compose/definition.js';
export type { ComposeServiceDetails } from '../compose/environment.js';
export { ComposeEnvironment } from '../compose/environment.js';
export type { LoadedProject, LoadOptions } from '../compose/load.js';
export { loadCompose } from '../compose/load.js';
export type {
  ComposeBuild,
  ComposeFileMount,
  ComposeFileSource,
  ComposeHealthcheck,
  ComposeModel,
  ComposeMount,
  ComposeNetwork,
  ComposeNetworkAttachment,
  ComposePort,
  ComposeService,
  ComposeVolume,
  DependencyCondition,
} from '../compose/model.js';
export type { ComposeOptions } from '../compose/up.js';
export { startCompose } from '../compose/up.js';
export { ComposeFileError, ComposeStartError } from '../errors.js';
export type { AdoptPostgresOptions } from '../modules/postgres/adopt.js';
// What compose().postgres() / .redis() return, nameable from this entry alone (declaration emit of a
// berth.config.ts that imports nothing else).
export type { PostgresDetails } from '../modules/postgres/details.js';
export type { AdoptRedisOptions } from '../modules/redis/adopt.js';
export type { RedisDetails } from '../modules/redis/details.js';
export type { ServiceDefinition, ServiceDetailsBase } from '../services/definition.js';
