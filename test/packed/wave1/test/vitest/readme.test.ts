// The "Use" snippet of @berth/vitest's README in 0.1, unchanged between the region markers; the
// assertions after it are this test's own. freshRedis() without a name is deprecated (one warning).
// #region vitest-readme-use
import { freshDatabase, freshRedis, service, useFreshDatabase } from '@berth/vitest/test';
import { describe, inject, test } from 'vitest';

const db = service('db', 'postgres'); // PostgresDetails: host, port, user, password, database, url
inject('berth').services.cache;       // the raw hand-off, typed too; no declarations needed

test('writes without seeing anyone else', async () => {
  const { url } = await freshDatabase('db'); // its own database, dropped when the test ends
  const cache = await freshRedis();           // the only redis service: its own logical db
});

describe('a block that shares one database', () => {
  const shared = useFreshDatabase('db');      // taken in beforeAll, given back in afterAll
  test('...', () => shared().url);
});
// #endregion

import { expect } from 'vitest';

test('0.1 forms still give what they gave: a fresh database of db, a fresh redis db of cache', async () => {
  const mine = await freshDatabase('db');
  const cache = await freshRedis();
  expect(mine.kind).toBe('postgres');
  expect(mine.database).not.toBe(db.database);
  expect(cache.kind).toBe('redis');
  expect(cache.db).not.toBe(service('cache', 'redis').db);
});
