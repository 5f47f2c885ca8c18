/**
 * The details type of every service kind, for the runner helpers' typing (`service(name, kind)`).
 * Each module adds its line.
 */
import type { ComposeDetails } from '../compose/definition.js';
import type { PostgresDetails } from '../modules/postgres/details.js';
import type { RedisDetails } from '../modules/redis/details.js';

export interface ServiceKinds {
  postgres: PostgresDetails;
  redis: RedisDetails;
  compose: ComposeDetails;
}
