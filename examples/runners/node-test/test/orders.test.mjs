// File 2 of the shared scenario, written with the per-test form `berth(t)`: what a test takes is
// given back through t.after, which also holds for tests that run concurrently.
import { test } from 'node:test';
import { berth } from '@berth/node-test';
import { freshRedisIsEmpty, insertOnce } from '../lib/scenario.mjs';

test('orders: a fresh database takes id 1', async (t) => {
  const db = await berth(t).freshDatabase('db');
  await insertOnce(db.url, 'order');
});

test('orders: another fresh database takes id 1 again', async (t) => {
  const db = await berth(t).freshDatabase('db');
  await insertOnce(db.url, 'order');
});

test('orders: a fresh redis database is empty', async (t) => {
  const cache = await berth(t).freshRedis('cache');
  await freshRedisIsEmpty(cache.url, 'orders');
});
