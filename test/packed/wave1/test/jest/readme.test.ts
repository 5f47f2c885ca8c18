// The "In tests" snippet of @berth/jest's README in 0.1 (which relied on jest's injected globals: the
// import from @jest/globals above it is this file's), then `services<typeof config>()` as that
// README described it. Both deprecated forms warn once and keep working.
import { beforeEach, expect, test } from '@jest/globals';
// #region jest-readme-in-tests
import type { PostgresDetails } from '@berth/core/postgres';
import { freshDatabase, service } from '@berth/jest';

const db = service('db', 'postgres'); // PostgresDetails: host, port, user, password, database, url
const any = service('cache'); // a union; narrow with `any.kind === 'redis'`

let mine: PostgresDetails;
beforeEach(async () => {
  mine = await freshDatabase('db', 'postgres'); // cloned from the template; dropped after this test
});
// #endregion

import { services } from '@berth/jest';
import type config from '../../berth.config.js';

test('0.1 forms still give what they gave', () => {
  expect(mine.database).not.toBe(db.database);
  expect(any.kind).toBe('redis');
  const all = services<typeof config>();
  expect(all.db.url).toBe(db.url);
  expect(all.cache.kind).toBe('redis');
});

test('freshDatabase with a per option: test still works', async () => {
  const again = await freshDatabase('db', 'postgres', { per: 'test' });
  expect(again.database).not.toBe(mine.database);
});
