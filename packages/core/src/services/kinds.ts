/**
 * Connection details by service kind: what `service(name, kind)` and the fresh-slice helpers return.
 * Every module adds its kind here (mysql, rabbitmq, nats ...); a module outside berth adds its own by
 * declaration merging: `declare module '@berth/core' { interface ServiceKinds { mongo: MongoDetails } }`.
 */
import type { PostgresDetails } from '../modules/postgres/details.js';
import type { RedisDetails } from '../modules/redis/details.js';

export interface ServiceKinds {
  postgres: PostgresDetails;
  redis: RedisDetails;
}

export type ServiceKind = keyof ServiceKinds & string;

/** Kinds whose slices are databases: their details name one (`database: string`). */
export type DatabaseKind = {
  [K in ServiceKind]: ServiceKinds[K] extends { database: string } ? K : never;
}[ServiceKind];

/** Details of any database kind; narrow with `details.kind`. */
export type DatabaseDetails = ServiceKinds[DatabaseKind];
