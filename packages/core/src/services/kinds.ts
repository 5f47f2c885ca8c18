/**
 * Connection details by service kind: what `service(name, kind)` and the fresh-slice helpers return.
 * Every module adds its kind here (mysql, rabbitmq, nats ...); a module outside berth adds its own by
 * declaration merging: `declare module '@berth/core' { interface ServiceKinds { mongo: MongoDetails } }`.
 */
import type { MysqlDetails } from '../modules/mysql/details.js';
import type { PostgresDetails } from '../modules/postgres/details.js';
import type { RedisDetails } from '../modules/redis/details.js';

export interface ServiceKinds {
  postgres: PostgresDetails;
  redis: RedisDetails;
  mysql: MysqlDetails;
}
