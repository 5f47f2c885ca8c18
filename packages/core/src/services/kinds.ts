/**
 * Connection details by service kind: what `service(name, kind)` and the fresh-slice helpers return.
 * Every module adds its line here; a module outside berth adds its own by declaration merging:
 * `declare module '@berth/core' { interface ServiceKinds { mongo: MongoDetails } }`.
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

export type ServiceKind = keyof ServiceKinds & string;

/** Kinds whose slices are databases: their details name one (`database: string`). */
export type DatabaseKind = {
  [K in ServiceKind]: ServiceKinds[K] extends { database: string } ? K : never;
}[ServiceKind];

/** Details of any database kind; narrow with `details.kind`. */
export type DatabaseDetails = ServiceKinds[DatabaseKind];
