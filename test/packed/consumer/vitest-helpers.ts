import { freshDatabase, freshRedis, type MysqlDetails, type PostgresDetails, service } from '@berth/vitest/test';
import { expect, test } from 'vitest';

const db = service('db', 'postgres');

test('helpers are typed', async () => {
  const mine = await freshDatabase('db');
  const cache = await freshRedis('cache');
  const port: number = db.port;
  expect(mine.url).not.toBe(cache.url);
  expect(port).toBeGreaterThan(0);
});

// Without a registered config (this project registers none), helpers take any name and are typed by
// the kind argument; without one, a database helper gives the union of the database kinds.
test('unregistered: typed by the kind argument', async () => {
  const named: PostgresDetails = await freshDatabase('db', 'postgres');
  const either: PostgresDetails | MysqlDetails = await freshDatabase('db');
  // @ts-expect-error without a registered config, the union is not a PostgresDetails
  const narrow: PostgresDetails = await freshDatabase('db');
  expect([named, either, narrow]).toHaveLength(3);
});
