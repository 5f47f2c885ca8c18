import { freshDatabase, freshRedis, service } from '@berth/vitest/test';
import { expect, test } from 'vitest';

const db = service('db', 'postgres');

test('helpers are typed', async () => {
  const mine = await freshDatabase('db');
  const cache = await freshRedis('cache');
  const port: number = db.port;
  expect(mine.url).not.toBe(cache.url);
  expect(port).toBeGreaterThan(0);
});
