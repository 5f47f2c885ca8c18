// File 2 of the shared scenario: three tests, each with a fresh database of its own (the same
// primary key inserted in each), one with a fresh redis database.

import { test } from 'bun:test';
import { freshDatabase, freshRedis } from '@berth/bun';
import { freshRedisIsEmpty, insertOnce } from '../lib/scenario.js';

test('orders: a fresh database takes id 1', async () => {
  const db = await freshDatabase('db'); // given back when the test ends
  await insertOnce(db.url, 'order');
});

test('orders: another fresh database takes id 1 again', async () => {
  const db = await freshDatabase('db');
  await insertOnce(db.url, 'order');
});

test('orders: a fresh redis database is empty', async () => {
  const cache = await freshRedis('cache');
  await freshRedisIsEmpty(cache.url, 'orders');
});
