/**
 * Every service kind berth knows, by its `kind`, with the details a test receives. Helpers shared by
 * the runner adapters are typed through it (`service('db', 'postgres')` → PostgresDetails); each
 * module adds its line.
 */
import type { ComposeDetails } from '../compose/definition.js';
import type { MysqlDetails } from '../modules/mysql/details.js';
import type { NatsDetails } from '../modules/nats/details.js';
import type { PostgresDetails } from '../modules/postgres/details.js';
import type { RabbitmqDetails } from '../modules/rabbitmq/details.js';
import type { RedisDetails } from '../modules/redis/details.js';

export interface ServiceKinds {
  postgres: PostgresDetails;
  redis: RedisDetails;
  mysql: MysqlDetails;
  rabbitmq: RabbitmqDetails;
  nats: NatsDetails;
  compose: ComposeDetails;
}
