// Typechecked (never run) by scripts/check-packed.mjs as a project of its own: one that registers
// its berth config's type, so the helpers of both adapters are typed by service name. The
// expect-error lines are the compile errors registration must give (tsc fails if one compiles).
import { defineConfig } from '@berth/core';
import { type MysqlDetails, mysql } from '@berth/core/mysql';
import { type PostgresDetails, postgres } from '@berth/core/postgres';
import { type RedisDetails, redis } from '@berth/core/redis';
import * as jest from '@berth/jest';
import * as vitest from '@berth/vitest/test';

const config = defineConfig({ services: { db: postgres(), legacy: mysql(), cache: redis() } });

declare module '@berth/core' {
  interface Register {
    config: typeof config;
  }
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(_proof: Equal<A, B>): void => undefined;

export async function byName(): Promise<void> {
  const db = await vitest.freshDatabase('db');
  same<typeof db, PostgresDetails>(true);
  const legacy = await jest.freshDatabase('legacy');
  same<typeof legacy, MysqlDetails>(true);
  const cache = await jest.freshRedis('cache');
  same<typeof cache, RedisDetails>(true);
  const seen = vitest.service('cache');
  same<typeof seen, RedisDetails>(true);
  const checked = jest.service('db', 'postgres');
  same<typeof checked, PostgresDetails>(true);
  const perFile = vitest.useFreshDatabase('legacy');
  same<ReturnType<typeof perFile>, MysqlDetails>(true);
  const lease = await jest.freshLease('db');
  same<typeof lease, PostgresDetails>(true);
  const all = jest.services();
  same<typeof all.db, PostgresDetails>(true);
}

export async function mistakes(): Promise<void> {
  // @ts-expect-error an unknown service name
  vitest.service('dbb');
  // @ts-expect-error an unknown service name, under jest too
  await jest.freshDatabase('dbb');
  // @ts-expect-error a redis service hands out no database through freshDatabase's current form
  await vitest.freshDatabase('cache');
  // @ts-expect-error the kind argument must be the service's own
  await vitest.freshDatabase('db', 'mysql');
  // @ts-expect-error freshRedis of a postgres service
  await jest.freshRedis('db');
  // @ts-expect-error freshVhost of a service that is not rabbitmq
  await vitest.freshVhost('cache');
}
